// The phone metadata the Worker ships is libphonenumber-js's "min" set cut to our catalog's countries
// (scripts/phone-metadata.mjs). It must cover every country of the catalog and match the installed
// library's data, or numbers of a new country (or after a library upgrade) would be read wrongly.
import { env } from "cloudflare:test";
import minMetadata from "libphonenumber-js/metadata.min.json";
import { describe, expect, it } from "vitest";
import { sliceMetadata } from "../../scripts/phone-metadata.mjs";
import { createDb } from "../../src/db/client";
import { countryOfPhone } from "../../src/providers/own-sims";
import shipped from "../../src/providers/phone-metadata.json";

describe("phone metadata", () => {
  it("is the installed library's data for exactly the catalog's countries (else: node scripts/phone-metadata.mjs)", async () => {
    const { results } = await env.DB.prepare("SELECT iso FROM countries").all<{ iso: string }>();
    expect(results.length).toBeGreaterThan(0);
    expect(shipped).toEqual(
      sliceMetadata(
        minMetadata,
        results.map((r) => r.iso),
      ),
    );
  });

  it("reads each catalog country's numbers as the library does, and no other country's", async () => {
    const db = createDb(env.DB);
    const id = async (iso: string) =>
      (await env.DB.prepare("SELECT id FROM countries WHERE iso = ?").bind(iso).first<{ id: number }>())?.id;
    // A US and a Canadian mobile share +1; Kazakhstan shares +7 with Russia.
    expect(await countryOfPhone(db, "+12025550143")).toBe(await id("US"));
    expect(await countryOfPhone(db, "+14165550143")).toBe(await id("CA"));
    expect(await countryOfPhone(db, "+77012345678")).toBe(await id("KZ"));
    expect(await countryOfPhone(db, "+79123456789")).toBe(await id("RU"));
    expect(await countryOfPhone(db, "+447400123456")).toBe(await id("GB"));
    // Australia is not in the catalog; +44 1000… is no real range.
    expect(await countryOfPhone(db, "+61412345678")).toBeNull();
    expect(await countryOfPhone(db, "+44100000000")).toBeNull();
  });
});
