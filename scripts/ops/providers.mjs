// ops providers list · providers disable|enable <name> — the upstreams we rent numbers from.
import { api, money, OpsError, printTable, reasonOf } from "./lib.mjs";

/** Why an upstream is off, or "yes": configuration (PROVIDERS), the operator's switch, or both. */
const enabledShown = (p) => {
  if (p.enabled) return "yes";
  const by = [!p.enabledByConfig && "config", p.disabledByOperator && "operator"].filter(Boolean);
  return `no (${by.join("+")})`;
};

const successShown = (p) =>
  p.successRate === null
    ? `— (${p.received}/${p.rented})`
    : `${Math.round(p.successRate * 100)}% (${p.received}/${p.rented})`;

const toggle = (action) => ({
  usage: `providers ${action} <name> --reason <text>`,
  summary:
    action === "disable"
      ? "stop routing and pricing from an upstream (kept across deploys; live activations carry on)"
      : "lift an operator's disable (an upstream disabled in PROVIDERS stays off)",
  options: { reason: { type: "string" } },
  run: async ({ positionals: [name], values, json }) => {
    if (!name) throw new OpsError("Name the upstream (its PROVIDERS name; see `providers list`).");
    const result = await api("POST", `/providers/${encodeURIComponent(name)}/${action}`, {
      reason: reasonOf(values),
    });
    if (json) return result;
    const { item } = result;
    console.log(
      `Upstream ${item.name} is ${item.enabled ? "enabled" : `disabled${item.enabledByConfig ? "" : " (by PROVIDERS too)"}`}; ${result.prices} prices rebuilt.`,
    );
  },
});

export const commands = {
  "providers list": {
    usage: "providers list",
    summary: "each upstream: enabled (and by whom), our wallet there, last sync, success rate, alert",
    run: async ({ json }) => {
      const { items } = await api("GET", "/providers");
      if (json) return items;
      printTable(
        items.map((p) => ({
          ...p,
          enabledShown: enabledShown(p),
          balanceShown: p.balance === null ? null : money(p.balance),
          successShown: successShown(p),
        })),
        [
          ["name", "NAME"],
          ["kind", "KIND"],
          ["enabledShown", "ENABLED"],
          ["balanceShown", "BALANCE"],
          ["lastSyncAt", "LAST SYNC"],
          ["successShown", "SUCCESS"],
          ["alert", "ALERT"],
        ],
      );
    },
  },
  "providers disable": toggle("disable"),
  "providers enable": toggle("enable"),
};
