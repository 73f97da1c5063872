// One bench server: a Worker's deploy bundle (built by ./servers.mjs) served by Miniflare — the workerd runtime alone, as
// Cloudflare runs it, without `wrangler dev`'s proxy in front (a second workerd every request and
// WebSocket frame passes through, holding its own sockets) or its DevTools session on the runtime's
// inspector (which mirrors every console line as a DevTools message). Every bench server starts this
// way, so the service and the bare Worker are measured alike.
//
//   node bench/lib/serve.mjs --config <wrangler.toml> --script <bundle.js> --port <n> [--state <dir>]
//                            [--var NAME:VALUE]… [--inspector-port <n>]
//                            [--assets-of <wrangler.toml> | --no-assets]   (whose static assets, if any)
//
// The bundle is `wrangler deploy --dry-run`'s (the one a deploy uploads); the configuration is read
// by wrangler's own translation (`unstable_getMiniflareWorkerOptions`), so bindings, assets, Durable
// Objects, cron triggers and vars (wrangler.toml, then .dev.vars) are as `wrangler dev` sets them;
// --var overrides a var, as `wrangler dev --var` does. Local state is laid out as `wrangler
// --persist-to <dir>` lays it out, so `wrangler d1 migrations apply --local --persist-to <dir>`
// prepares it. Upstreams are the configuration's (the bench uses the simulator): unlike `npm start`,
// PROVIDERS is not taken from the environment. Prints "ready <url>"; SIGTERM stops the runtime.
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";

// The Miniflare wrangler itself runs (its own dependency): the same workerd as `wrangler dev`.
const { Log, LogLevel, Miniflare, convertV4MiniflareOptions } = createRequire(
  createRequire(import.meta.url).resolve("wrangler"),
)("miniflare");

const { values } = parseArgs({
  options: {
    config: { type: "string" },
    script: { type: "string" },
    port: { type: "string" },
    state: { type: "string" },
    var: { type: "string", multiple: true, default: [] },
    "inspector-port": { type: "string" },
    "assets-of": { type: "string" },
    "no-assets": { type: "boolean", default: false },
  },
});
const config = resolve(values.config);
const overrides = Object.fromEntries(
  values.var.map((pair) => [pair.slice(0, pair.indexOf(":")), pair.slice(pair.indexOf(":") + 1)]),
);
// Module rules are for wrangler's bundler; the bundle is one module already.
const { modulesRules: _, ...workerOptions } = unstable_getMiniflareWorkerOptions(config).workerOptions;
// The bare Worker can be served as the service is deployed — the same static assets and the same paths
// the Worker answers first, so the runtime's asset router sits in front of both alike — and the
// service without them, so both can be compared without the router too.
if (values["assets-of"]) {
  workerOptions.assets = unstable_getMiniflareWorkerOptions(
    resolve(values["assets-of"]),
  ).workerOptions.assets;
}
if (values["no-assets"]) delete workerOptions.assets;

// wrangler describes the Worker in Miniflare 4's option shape; this Miniflare converts it as wrangler does.
const mf = new Miniflare(
  convertV4MiniflareOptions({
    host: "127.0.0.1",
    port: Number(values.port),
    ...(values["inspector-port"] ? { inspectorPort: Number(values["inspector-port"]) } : {}),
    ...(values.state ? { resourcePersistencePath: join(resolve(values.state), "v3") } : {}),
    log: new Log(LogLevel.WARN),
    logRequests: false,
    cf: false, // no request.cf from the network (this machine has none): the placeholder, as wrangler dev falls back to
    unsafeTriggerHandlers: true,
    workers: [
      {
        ...workerOptions,
        // The configuration's name, as `wrangler dev` names it: Durable Objects are stored under it.
        name: unstable_readConfig({ config }).name,
        modules: true,
        scriptPath: resolve(values.script),
        modulesRoot: dirname(resolve(values.script)),
        bindings: { ...workerOptions.bindings, PUBLIC_URL: `http://localhost:${values.port}`, ...overrides },
      },
    ],
  }),
);
const url = await mf.ready;
console.log(`ready ${url}`);

const stop = async () => {
  await mf.dispose().catch(() => {});
  process.exit(0);
};
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, stop);
