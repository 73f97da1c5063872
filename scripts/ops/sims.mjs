// ops sims add <provider> --phone <E.164> --device <id> --slot <n> [--services tg,wa] [--reason …]
// ops sims list [<provider>] · ops sims remove <provider> <phone> [--reason …]
// Own SIM cards (docs/PROVIDERS.md, "Own SIMs"), over /admin/api/v1/sims.
import { api, OpsError, printRecord, printTable } from "./lib.mjs";

const shown = (sim) => ({
  provider: sim.provider,
  phone: sim.phone,
  where: sim.deviceId === null ? "agent" : `${sim.deviceId} #${sim.slot}`,
  services: sim.services?.join(",") ?? "any",
  health:
    sim.device === null
      ? "—"
      : `${sim.device.healthy ? "ok" : "SILENT"}${sim.device.health ? ` (${sim.device.health})` : ""}, seen ${sim.device.lastSeenAt ?? "never"}`,
  rental: sim.rental ? `${sim.rental.service} since ${sim.rental.since}` : "free",
  spent:
    sim.spent
      .map((s) => `${s.service}@${s.spentAt.slice(0, 10)}${s.blocking ? "" : " (cooled down)"}`)
      .join(" ") || "—",
});

export const commands = {
  "sims add": {
    usage:
      "sims add <provider> --phone <E.164> --device <id> --slot <n> [--services tg,wa] [--reason <text>]",
    summary: "register a SIM of an Android gateway phone",
    options: {
      phone: { type: "string" },
      device: { type: "string" },
      slot: { type: "string" },
      services: { type: "string" },
      reason: { type: "string" },
    },
    run: async ({ values, positionals, json }) => {
      const [provider] = positionals;
      if (!provider || !values.phone || !values.device || !values.slot) {
        throw new OpsError("the provider, --phone, --device and --slot are required");
      }
      const slot = Number(values.slot);
      if (!Number.isInteger(slot))
        throw new OpsError("--slot must be a whole number (the app's simNumber, 1-based)");
      const { sim } = await api("POST", "/sims", {
        provider,
        phone: values.phone,
        deviceId: values.device,
        slot,
        ...(values.services ? { services: values.services.split(",").map((s) => s.trim()) } : {}),
        ...(values.reason ? { reason: values.reason } : {}),
      });
      if (json) return sim;
      printRecord(shown(sim));
    },
  },
  "sims list": {
    usage: "sims list [<provider>]",
    summary: "own SIMs: health, current rental, services spent",
    run: async ({ positionals, json }) => {
      const [provider] = positionals;
      const { items } = await api(
        "GET",
        `/sims${provider ? `?provider=${encodeURIComponent(provider)}` : ""}`,
      );
      if (json) return items;
      printTable(items.map(shown), [
        ["provider", "PROVIDER"],
        ["phone", "PHONE"],
        ["where", "DEVICE #SLOT"],
        ["services", "SERVICES"],
        ["health", "HEALTH"],
        ["rental", "RENTAL"],
        ["spent", "SPENT"],
      ]);
    },
  },
  "sims remove": {
    usage: "sims remove <provider> <phone> [--reason <text>]",
    summary: "remove a SIM that serves no live activation",
    options: { reason: { type: "string" } },
    run: async ({ values, positionals, json }) => {
      const [provider, phone] = positionals;
      if (!provider || !phone) throw new OpsError("the provider and the phone are required");
      const query = values.reason ? `?reason=${encodeURIComponent(values.reason)}` : "";
      const { removed } = await api(
        "DELETE",
        `/sims/${encodeURIComponent(provider)}/${encodeURIComponent(phone)}${query}`,
      );
      if (json) return removed;
      console.log(`removed ${removed.phone} from ${removed.provider}`);
    },
  },
};
