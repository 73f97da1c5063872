// The packages and subpaths that the Worker and its tests import ("hono", "hono/cookie", "zod", …),
// for the deps optimizer in vitest.config.ts. The Workers pool inlines every dependency, so without
// it each runtime is sent every module of them one by one (hundreds for drizzle-orm and
// libphonenumber-js alone). Every import is listed, subpaths included, so that each package's
// internals exist once (a subpath left out would load a copy of its own, and `instanceof` across
// the two would fail); a new import is picked up by itself.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const IMPORT =
  /^(?:import|export)\s[^"';=]*?\bfrom\s*["']([^"'.][^"']*)["']|^import\s*["']([^"'.][^"']*)["']/gm;
// The runtime's own modules and the test runner are not packages to bundle.
const NOT_A_DEPENDENCY = /^(cloudflare:|node:|vitest|@cloudflare\/)/;

/** @param {string[]} dirs folders to scan (.ts files) @param {string[]} skip folders left out */
export const importedPackages = (dirs, skip = []) => {
  const found = new Set();
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (skip.includes(path)) continue;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts")) {
        for (const [, from, bare] of readFileSync(path, "utf8").matchAll(IMPORT)) {
          const spec = from ?? bare;
          if (spec && !NOT_A_DEPENDENCY.test(spec)) found.add(spec);
        }
      }
    }
  };
  for (const dir of dirs) walk(dir);
  return [...found].sort();
};
