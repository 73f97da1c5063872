// Makes .dev.vars complete for local use: copies .dev.vars.example when missing and adds any key the
// example has that .dev.vars lacks. Values marked "generated" get fresh random secrets, so a fresh
// clone needs no manual step and no two machines share a secret.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const parse = (text) =>
  new Map(
    text
      .split("\n")
      .filter((line) => /^[A-Z0-9_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );

const example = parse(readFileSync(".dev.vars.example", "utf8"));
const current = existsSync(".dev.vars") ? readFileSync(".dev.vars", "utf8") : "";
const present = parse(current);

const missing = [...example].filter(([key]) => !present.has(key));
if (missing.length > 0) {
  const lines = missing.map(
    ([key, value]) => `${key}=${value === "generated" ? randomBytes(32).toString("hex") : value}`,
  );
  const prefix = current && !current.endsWith("\n") ? "\n" : "";
  writeFileSync(".dev.vars", `${current}${prefix}${lines.join("\n")}\n`);
  console.log(`.dev.vars: added ${missing.map(([k]) => k).join(", ")}`);
}
