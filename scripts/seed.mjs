// Seeds the local D1 idempotently. Usage: node scripts/seed.mjs [--persist-to DIR]
// Runs scripts/seed.sql, plus the catalog's prices as the simulator would report them, so a fresh
// clone shows prices before the first catalog sync (the cron refreshes them afterwards). Existing
// rows are left alone: re-running never resets stock or prices.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initialOffers } from "../src/providers/simulator/upstream-data.mjs";

/** A setting as the local Worker sees it: .dev.vars over wrangler.toml [vars]. */
const setting = (name, fallback) => {
  const devVars = existsSync(".dev.vars") ? readFileSync(".dev.vars", "utf8") : "";
  const local = new RegExp(`^${name}=(.*)$`, "m").exec(devVars);
  if (local) return local[1].trim();
  const toml = new RegExp(`^${name}\\s*=\\s*"([^"]*)"`, "m").exec(readFileSync("wrangler.toml", "utf8"));
  return toml ? toml[1] : fallback;
};

// Same rounding as sellPrice in src/activations/catalog.ts: up to a whole minor unit.
const sellPrice = (cost, markupPercent) => Math.ceil((cost * (100 + markupPercent)) / 100);

// The simulator's entry in PROVIDERS (unset PROVIDERS: the simulator alone), or null if it sells nothing here.
const simulatorEntry = () => {
  const raw = process.env.PROVIDERS ?? setting("PROVIDERS", "");
  if (!raw.trim()) return "simulator";
  const entry = JSON.parse(raw).find((e) => e.kind === "simulator" && e.enabled !== false);
  return entry ? entry.name.replace(/[^a-z0-9]/g, "") : null;
};

const catalogSql = () => {
  const provider = simulatorEntry();
  if (!provider) return "";
  const markup = Number.parseInt(setting("PRICE_MARKUP_PERCENT", "0"), 10) || 0;
  const currency = setting("CURRENCY", "USD").replace(/[^A-Z]/g, "");
  const at = Date.now();
  const offers = initialOffers().map((o) => ({ ...o, service: o.service.replace(/[^a-z0-9]/g, "") }));
  const rows = offers.map(
    (o) =>
      `('${o.service}', ${o.country}, '${provider}', ${o.cost}, ` +
      `${sellPrice(o.cost, markup)}, '${currency}', ${o.stock}, ${at})`,
  );
  // The routes behind those prices, as the first sync would write them.
  const routes = offers.map(
    (o) => `('${provider}', '${o.service}', ${o.country}, ${o.cost}, ${o.stock}, ${at})`,
  );
  return (
    `INSERT OR IGNORE INTO prices (service, country, provider, cost, price, currency, stock, updated_at) VALUES\n${rows.join(",\n")};\n` +
    `INSERT OR IGNORE INTO provider_offers (provider, service, country, cost, stock, updated_at) VALUES\n${routes.join(",\n")};\n`
  );
};

const dir = mkdtempSync(join(tmpdir(), "smsprof-seed-"));
const file = join(dir, "seed.sql");
writeFileSync(file, `${readFileSync("scripts/seed.sql", "utf8")}\n${catalogSql()}`);
const result = spawnSync(
  "npx",
  ["wrangler", "d1", "execute", "DB", "--local", "--file", file, ...process.argv.slice(2)],
  { stdio: "inherit" },
);
rmSync(dir, { recursive: true, force: true });
process.exit(result.status ?? 1);
