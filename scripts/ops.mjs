// The operators' CLI: `npm run ops -- <command> [args] [--json]`, over the admin API (/admin/api/v1)
// of OPS_URL (default http://localhost:$PORT or 8787) with ADMIN_TOKEN (default: .dev.vars).
// Each command group is one module in scripts/ops/ exporting `commands`; a command's name may be
// several words ("users find"). Tables by default, --json for scripts; errors exit non-zero.
import { readdirSync } from "node:fs";
import { parseArgs } from "node:util";
import { OpsError } from "./ops/lib.mjs";

const here = new URL("./ops/", import.meta.url);
const modules = readdirSync(here).filter((f) => f.endsWith(".mjs") && f !== "lib.mjs");
const commands = {};
for (const file of modules.sort()) Object.assign(commands, (await import(new URL(file, here))).commands);

const help = () => {
  console.log("Usage: npm run ops -- <command> [options] [--json]\n\nCommands:");
  const names = Object.keys(commands).sort();
  const width = Math.max(...names.map((n) => commands[n].usage.length));
  for (const name of names) console.log(`  ${commands[name].usage.padEnd(width)}  ${commands[name].summary}`);
  console.log(
    "\nOPS_URL (default http://localhost:8787) and ADMIN_TOKEN (default from .dev.vars) choose the server.",
  );
};

const argv = process.argv.slice(2);
// The longest run of leading words that names a command.
let name = null;
for (let n = Math.min(3, argv.length); n > 0 && !name; n--) {
  const candidate = argv.slice(0, n).join(" ");
  if (Object.hasOwn(commands, candidate)) name = candidate;
}
if (!name) {
  if (argv.length > 0 && !["help", "--help", "-h"].includes(argv[0])) {
    console.error(`Unknown command: ${argv.join(" ")}\n`);
    help();
    process.exit(2);
  }
  help();
  process.exit(0);
}

const command = commands[name];
try {
  const { values, positionals } = parseArgs({
    args: argv.slice(name.split(" ").length),
    options: { json: { type: "boolean" }, ...(command.options ?? {}) },
    allowPositionals: true,
  });
  const result = await command.run({ values, positionals, json: Boolean(values.json) });
  if (values.json) console.log(JSON.stringify(result ?? null, null, 2));
} catch (error) {
  if (error instanceof OpsError || error?.code?.startsWith?.("ERR_PARSE_ARGS")) {
    console.error(`ops ${name}: ${error.message}`);
    console.error(`usage: npm run ops -- ${command.usage}`);
    process.exit(1);
  }
  throw error;
}
