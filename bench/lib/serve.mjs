// One bench server: a Worker's deploy bundle served by Miniflare — the workerd runtime alone, as
// Cloudflare runs it, without `wrangler dev`'s proxy in front (a second workerd every request and
// WebSocket frame passes through, holding its own sockets) or its DevTools session on the runtime's
// inspector (which mirrors every console line as a DevTools message). Both bench servers start this
// way, so the service and the bare Worker are measured alike.
//
//   node bench/lib/serve.mjs --config <wrangler.toml> --port <n> [--state <dir>] [--var NAME:VALUE]…
//                            [--inspector-port <n>]   (profiling: then the bundle is not minified)
//                            [--assets-of <wrangler.toml>]   (another config's static assets, in front)
//
// The bundle is `wrangler deploy --dry-run`'s (the one a deploy uploads); the configuration is read
// by wrangler's own translation (`unstable_getMiniflareWorkerOptions`), so bindings, assets, Durable
// Objects and cron triggers are as `wrangler dev` sets them; vars come from wrangler.toml, then
// .dev.vars, then --var. Local state is laid out as `wrangler --persist-to <dir>` lays it out, so
// `wrangler d1 migrations apply --local --persist-to <dir>` prepares it. Prints "ready <url>".
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

// The Miniflare wrangler itself runs (its own dependency): the same workerd as `wrangler dev`.
const { Log, LogLevel, Miniflare, convertV4MiniflareOptions } = createRequire(
  createRequire(import.meta.url).resolve("wrangler"),
)("miniflare");

const { values } = parseArgs({
  options: {
    config: { type: "string" },
    port: { type: "string" },
    state: { type: "string" },
    var: { type: "string", multiple: true, default: [] },
    "inspector-port": { type: "string" },
    "assets-of": { type: "string" },
  },
});
const config = resolve(values.config);
const profiling = Boolean(values["inspector-port"]);

const outdir = mkdtempSync(join(tmpdir(), "smsprof-bench-bundle-"));
const built = spawnSync(
  "npx",
  [
    "wrangler",
    "deploy",
    "--dry-run",
    "-c",
    config,
    "--outdir",
    outdir,
    ...(profiling ? ["--minify=false"] : []),
  ],
  { encoding: "utf8", env: { WRANGLER_SEND_METRICS: "false", ...process.env } },
);
if (built.status !== 0) {
  process.stderr.write(built.stdout + built.stderr);
  process.exit(1);
}

/** KEY=VALUE lines, as wrangler reads .dev.vars (quotes around a value are dropped). */
const devVars = (file) =>
  existsSync(file)
    ? Object.fromEntries(
        readFileSync(file, "utf8")
          .split("\n")
          .map((line) => /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line))
          .filter(Boolean)
          .map(([, name, value]) => [name, value.replace(/^(["'])(.*)\1$/, "$2")]),
      )
    : {};
const overrides = Object.fromEntries(
  values.var.map((pair) => [pair.slice(0, pair.indexOf(":")), pair.slice(pair.indexOf(":") + 1)]),
);

// Module rules are for wrangler's bundler; the bundle is one module already.
const { modulesRules: _, ...workerOptions } = unstable_getMiniflareWorkerOptions(config).workerOptions;
// The bare Worker can be deployed as the service is: the same static assets and the same paths the
// Worker answers first, so the runtime's asset router sits in front of both alike.
if (values["assets-of"]) {
  workerOptions.assets = unstable_getMiniflareWorkerOptions(
    resolve(values["assets-of"]),
  ).workerOptions.assets;
}
// wrangler describes the Worker in Miniflare 4's option shape; this Miniflare converts it as wrangler does.
const mf = new Miniflare(
  convertV4MiniflareOptions({
    host: "127.0.0.1",
    port: Number(values.port),
    ...(profiling ? { inspectorPort: Number(values["inspector-port"]) } : {}),
    ...(values.state ? { resourcePersistencePath: join(resolve(values.state), "v3") } : {}),
    log: new Log(LogLevel.WARN),
    logRequests: false,
    cf: false, // no request.cf from the network (this machine has none): the placeholder, as wrangler dev falls back to
    unsafeTriggerHandlers: true,
    workers: [
      {
        ...workerOptions,
        name: "bench",
        modules: true,
        scriptPath: join(
          outdir,
          readdirSync(outdir).find((file) => file.endsWith(".js")),
        ),
        modulesRoot: outdir,
        bindings: {
          ...workerOptions.bindings,
          ...devVars(join(dirname(config), ".dev.vars")),
          PUBLIC_URL: `http://localhost:${values.port}`,
          ...overrides,
        },
      },
    ],
  }),
);
const url = await mf.ready;
console.log(`ready ${url}`);

const stop = async () => {
  await mf.dispose().catch(() => {});
  rmSync(outdir, { recursive: true, force: true });
  process.exit(0);
};
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, stop);
