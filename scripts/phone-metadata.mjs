// The slice of libphonenumber-js's "min" metadata the Worker ships (src/providers/phone-metadata.json):
// only the countries of our catalog, plus the main country of each of their calling codes (+1 is
// read through the US entry, +7 through RU), so parsing and validation of those numbers are exactly
// the library's. The whole "min" set is about 20 KB of the gzipped bundle; the slice is a few hundred
// bytes. The library's README calls this "custom metadata" and the `libphonenumber-js/core` entry.
//
// Run `node scripts/phone-metadata.mjs` after upgrading libphonenumber-js or adding a country to the
// catalog's migrations; test/providers/phone-metadata.test.ts fails until the slice is regenerated.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The entries of `metadata` (libphonenumber-js's JSON format) that the countries `isos` need. */
export const sliceMetadata = (metadata, isos) => {
  const wanted = new Set(isos);
  const callingCodes = {};
  for (const [code, countries] of Object.entries(metadata.country_calling_codes)) {
    if (!countries.some((iso) => wanted.has(iso))) continue;
    // The first country of a calling code is its main one: keep it beside ours.
    callingCodes[code] = countries.filter((iso, i) => i === 0 || wanted.has(iso));
  }
  const kept = new Set(Object.values(callingCodes).flat());
  const countries = Object.fromEntries(Object.entries(metadata.countries).filter(([iso]) => kept.has(iso)));
  // Non-geographic numbers (+800, +882 …) belong to no country of a catalog.
  return { version: metadata.version, country_calling_codes: callingCodes, countries, nonGeographic: {} };
};

/** Every ISO code the migrations insert into `countries`, e.g. `(0, 'RU', 'Russia', …)`. */
const catalogIsos = (dir) => {
  const isos = new Set();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    const sql = readFileSync(join(dir, file), "utf8");
    for (const insert of sql.matchAll(/INSERT[^;]*?INTO `countries`[^;]*/g)) {
      for (const row of insert[0].matchAll(/\(\s*\d+\s*,\s*'([A-Z]{2})'/g)) isos.add(row[1]);
    }
  }
  return [...isos].sort();
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(fileURLToPath(import.meta.url), "../..");
  const metadata = JSON.parse(
    readFileSync(join(root, "node_modules/libphonenumber-js/metadata.min.json"), "utf8"),
  );
  const slice = sliceMetadata(metadata, catalogIsos(join(root, "migrations")));
  writeFileSync(join(root, "src/providers/phone-metadata.json"), `${JSON.stringify(slice)}\n`);
  console.log(`phone metadata: ${Object.keys(slice.countries).join(" ")}`);
}
