// CI's build check: `wrangler deploy --dry-run` bundles the Worker exactly as a deploy would (offline,
// no login needed, minified as wrangler.toml says) into a temporary folder, then prints the bundle's
// size, raw and gzipped — the figure Cloudflare's Worker size limits apply to — and fails when the
// gzipped size is over our budget. To see where the bytes go: `npx wrangler deploy --dry-run
// --outdir <dir> --metafile <file>` and read the metafile's inputs (bytesInOutput per module).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/**
 * The gzipped Worker bundle may not grow past this (KiB, as wrangler prints it): the performance goal.
 * 234.8 today, with the Stripe SDK's unused API resources and zod's JSON Schema writer left out
 * (wrangler.toml [alias]; `npm run test:bundle` checks the bundle still does what they did).
 */
const GZIP_BUDGET_KIB = 250;

const outdir = mkdtempSync(join(tmpdir(), "smsprof-bundle-"));
let over = false;
try {
  const envArgs = process.argv.slice(2); // e.g. --env staging
  const r = spawnSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outdir, ...envArgs], {
    encoding: "utf8",
    env: { WRANGLER_SEND_METRICS: "false", ...process.env },
  });
  if (r.status !== 0) {
    process.stderr.write(r.stdout + r.stderr);
    process.exit(r.status ?? 1);
  }
  const kib = (n) => n / 1024;
  for (const file of readdirSync(outdir).filter((f) => f.endsWith(".js"))) {
    const code = readFileSync(join(outdir, file));
    const gzipped = kib(gzipSync(code).length);
    const fits = gzipped <= GZIP_BUDGET_KIB;
    over ||= !fits;
    console.log(
      `bundle ${file}${envArgs.length ? ` (${envArgs.join(" ")})` : ""}: ${kib(code.length).toFixed(1)} KiB raw, ` +
        `${gzipped.toFixed(1)} KiB gzipped (budget ${GZIP_BUDGET_KIB} KiB${fits ? "" : ": OVER"})`,
    );
  }
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
if (over) {
  console.error(`The Worker bundle is over its gzipped budget of ${GZIP_BUDGET_KIB} KiB.`);
  process.exit(1);
}
