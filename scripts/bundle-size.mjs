// CI's build check: `wrangler deploy --dry-run` bundles the Worker exactly as a deploy would (offline,
// no login needed) into a temporary folder, then prints the bundle's size, raw and gzipped — the
// figure Cloudflare's Worker size limits apply to.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const outdir = mkdtempSync(join(tmpdir(), "smsprof-bundle-"));
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
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  for (const file of readdirSync(outdir).filter((f) => f.endsWith(".js"))) {
    const code = readFileSync(join(outdir, file));
    console.log(
      `bundle ${file}${envArgs.length ? ` (${envArgs.join(" ")})` : ""}: ${kb(code.length)} raw, ${kb(gzipSync(code).length)} gzipped`,
    );
  }
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
