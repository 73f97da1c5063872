// Stands in for zod's own locales index in the bundle (wrangler.toml [alias]): @hono/zod-openapi
// passes the whole `z` namespace to a function, so the bundler keeps every export of it, including
// `z.locales` — 50-odd translations of zod's messages (a third of the gzipped Worker). We only
// use English (zod's default, which zod imports on its own), so this index offers that alone.
export { default as en } from "zod/v4/locales/en.js";
