// Stands in for zod's JSON Schema writer in the bundle (wrangler.toml [alias]), for the same reason as
// ./zod-locales.ts: the whole `z` namespace is kept, so its unused parts are too. The OpenAPI document
// is written by @asteasolutions/zod-to-openapi, which reads the schemas itself and never calls zod's
// writer (`z.toJSONSchema`, `schema.toJSONSchema()`, `~standard.jsonSchema`); nor does our code. Tests
// run the real writer. Only the checks summary that zod's schemas read (`.minLength`, `.format`, …)
// stays zod's own. About 5 KiB of the gzipped Worker; esbuild fails the build if zod imports a name
// missing here.
const leftOut = (): never => {
  throw new Error(
    "zod's JSON Schema writer is left out of this Worker's bundle (see wrangler.toml [alias]).",
  );
};

export { aggregateChecks } from "../../node_modules/zod/v4/core/json-schema-processors.js";
export const allProcessors = {};
export const createToJSONSchemaMethod = () => leftOut;
export const createStandardJSONSchemaMethod = () => leftOut;
export {
  leftOut as stringProcessor,
  leftOut as numberProcessor,
  leftOut as booleanProcessor,
  leftOut as bigintProcessor,
  leftOut as symbolProcessor,
  leftOut as nullProcessor,
  leftOut as undefinedProcessor,
  leftOut as voidProcessor,
  leftOut as neverProcessor,
  leftOut as anyProcessor,
  leftOut as unknownProcessor,
  leftOut as dateProcessor,
  leftOut as enumProcessor,
  leftOut as literalProcessor,
  leftOut as nanProcessor,
  leftOut as templateLiteralProcessor,
  leftOut as fileProcessor,
  leftOut as successProcessor,
  leftOut as customProcessor,
  leftOut as functionProcessor,
  leftOut as transformProcessor,
  leftOut as mapProcessor,
  leftOut as setProcessor,
  leftOut as arrayProcessor,
  leftOut as objectProcessor,
  leftOut as unionProcessor,
  leftOut as intersectionProcessor,
  leftOut as tupleProcessor,
  leftOut as recordProcessor,
  leftOut as nullableProcessor,
  leftOut as nonoptionalProcessor,
  leftOut as defaultProcessor,
  leftOut as prefaultProcessor,
  leftOut as catchProcessor,
  leftOut as pipeProcessor,
  leftOut as readonlyProcessor,
  leftOut as promiseProcessor,
  leftOut as optionalProcessor,
  leftOut as lazyProcessor,
  leftOut as toJSONSchema,
  leftOut as initializeContext,
  leftOut as handleUnrepresentable,
  leftOut as processSchema,
  leftOut as process,
  leftOut as extractDefs,
  leftOut as finalize,
};
