// What every ops command shares: the admin API client, argument parsing, tables and errors.
// No dependency beyond Node itself, so the CLI runs wherever the project installs.
import { existsSync, readFileSync } from "node:fs";

export class OpsError extends Error {}

const devVar = (name) => {
  if (!existsSync(".dev.vars")) return undefined;
  const line = readFileSync(".dev.vars", "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${name}=`));
  return line?.slice(name.length + 1).trim() || undefined;
};

/** Where and as whom: OPS_URL (default the local dev server) and ADMIN_TOKEN (default .dev.vars). */
export const target = () => ({
  url: (process.env.OPS_URL ?? `http://localhost:${process.env.PORT ?? 8787}`).replace(/\/+$/, ""),
  token: process.env.ADMIN_TOKEN ?? devVar("ADMIN_TOKEN"),
});

/** Calls the admin API; an error envelope or a network failure becomes an OpsError with its message. */
export const api = async (method, path, body) => {
  const { url, token } = target();
  if (!token) throw new OpsError("No ADMIN_TOKEN: set it in the environment (or in .dev.vars locally).");
  let response;
  try {
    response = await fetch(`${url}/admin/api/v1${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new OpsError(`Cannot reach ${url}: ${error.cause?.code ?? error.message}`);
  }
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    throw new OpsError(`${method} ${path}: HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`);
  }
  if (!response.ok) {
    const error = json?.error;
    throw new OpsError(error ? `${error.code}: ${error.message}` : `HTTP ${response.status}`);
  }
  return json;
};

/** Prints rows as an aligned table (columns: [key, heading]); "(none)" for no rows. */
export const printTable = (rows, columns) => {
  if (rows.length === 0) {
    console.log("(none)");
    return;
  }
  const cell = (value) => (value === null || value === undefined ? "—" : String(value));
  const widths = columns.map(([key, heading]) =>
    Math.max(heading.length, ...rows.map((row) => cell(row[key]).length)),
  );
  const line = (values) =>
    values
      .map((v, i) => v.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  console.log(line(columns.map(([, heading]) => heading)));
  for (const row of rows) console.log(line(columns.map(([key]) => cell(row[key]))));
};

/** Prints an object as "key: value" lines. */
export const printRecord = (record) => {
  const width = Math.max(...Object.keys(record).map((k) => k.length));
  for (const [key, value] of Object.entries(record)) {
    const shown = value !== null && typeof value === "object" ? JSON.stringify(value) : (value ?? "—");
    console.log(`${`${key}:`.padEnd(width + 2)}${shown}`);
  }
};
