// Seeds the local D1 idempotently. Usage: node scripts/seed.mjs [--persist-to DIR]
import { spawnSync } from "node:child_process";

const args = process.argv.slice(2);
const result = spawnSync(
  "npx",
  ["wrangler", "d1", "execute", "DB", "--local", "--file", "scripts/seed.sql", ...args],
  {
    stdio: "inherit",
  },
);
process.exit(result.status ?? 1);
