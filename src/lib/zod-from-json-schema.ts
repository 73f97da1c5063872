// Stands in for zod's JSON Schema importer in the bundle (wrangler.toml [alias]), for the same
// reason as ./zod-locales.ts: the whole `z` namespace is kept, so its unused parts are too. We never
// build zod schemas from JSON Schema; this saves about 5 KiB of the gzipped Worker.
export const fromJSONSchema = (): never => {
  throw new Error("z.fromJSONSchema is left out of this Worker's bundle (see wrangler.toml [alias]).");
};
