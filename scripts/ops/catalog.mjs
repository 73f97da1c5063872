// ops prices list|set · services disable|enable · countries disable|enable — the catalog.
import { api, money, OpsError, printTable, reasonOf } from "./lib.mjs";

const wholeNumber = (name, text) => {
  if (!/^\d+$/.test(text ?? "")) throw new OpsError(`--${name} is a whole number, not "${text}".`);
  return Number(text);
};

const toggle = (kind, action) => ({
  usage: `${kind} ${action} <${kind === "services" ? "code" : "id"}> --reason <text>`,
  summary:
    action === "disable"
      ? `hide a ${kind === "services" ? "service" : "country"} from the catalog and refuse its orders`
      : `offer a ${kind === "services" ? "service" : "country"} again`,
  options: { reason: { type: "string" } },
  run: async ({ positionals: [code], values, json }) => {
    if (!code) throw new OpsError(`Name the ${kind === "services" ? "service code" : "country id"}.`);
    const result = await api("POST", `/${kind}/${encodeURIComponent(code)}/${action}`, {
      reason: reasonOf(values),
    });
    if (json) return result;
    console.log(
      `${kind === "services" ? "Service" : "Country"} ${result.code} is ${result.disabled ? "disabled" : "enabled"}.`,
    );
  },
});

export const commands = {
  "prices list": {
    usage: "prices list [--service <code>] [--country <id>]",
    summary: "every price with cost, margin, override, stock and what is disabled",
    options: { service: { type: "string" }, country: { type: "string" } },
    run: async ({ values, json }) => {
      const query = new URLSearchParams();
      if (values.service) query.set("service", values.service);
      if (values.country !== undefined) query.set("country", String(wholeNumber("country", values.country)));
      const { items } = await api("GET", `/prices?${query}`);
      if (json) return items;
      printTable(
        items.map((p) => ({
          ...p,
          priceShown: money(p.price),
          costShown: money(p.cost),
          marginShown: money(p.margin),
          overrideShown: p.override
            ? p.override.price !== null
              ? `price ${money(p.override.price)}`
              : `markup ${p.override.markupPercent}%`
            : "",
          disabled: [p.serviceDisabled && "service", p.countryDisabled && "country"]
            .filter(Boolean)
            .join("+"),
        })),
        [
          ["service", "SERVICE"],
          ["country", "COUNTRY"],
          ["provider", "PROVIDER"],
          ["costShown", "COST"],
          ["priceShown", "PRICE"],
          ["marginShown", "MARGIN"],
          ["overrideShown", "OVERRIDE"],
          ["stock", "STOCK"],
          ["disabled", "DISABLED"],
        ],
      );
    },
  },
  "prices set": {
    usage:
      "prices set <service> <country> (--price <minor units> | --markup <percent> | --clear) --reason <text>",
    summary: "an operator's price or markup for one pair, kept by every catalog sync",
    options: {
      price: { type: "string" },
      markup: { type: "string" },
      clear: { type: "boolean" },
      reason: { type: "string" },
    },
    run: async ({ positionals: [service, country], values, json }) => {
      if (!service || country === undefined) throw new OpsError("Name the service code and the country id.");
      const rules = [values.price !== undefined, values.markup !== undefined, Boolean(values.clear)];
      if (rules.filter(Boolean).length !== 1)
        throw new OpsError("Give exactly one of --price, --markup or --clear.");
      const body = { reason: reasonOf(values) };
      if (values.price !== undefined) body.price = wholeNumber("price", values.price);
      if (values.markup !== undefined) body.markupPercent = wholeNumber("markup", values.markup);
      if (values.clear) body.clear = true;
      const result = await api(
        "PUT",
        `/prices/${encodeURIComponent(service)}/${wholeNumber("country", country)}`,
        body,
      );
      if (json) return result;
      const item = result.item;
      console.log(
        item
          ? `${service}/${country}: price ${money(item.price)} (cost ${money(item.cost)}, margin ${money(item.margin)})${item.override ? ", override kept by syncs" : ""}.`
          : `${service}/${country}: not offered by the provider yet; the override applies at its next sync.`,
      );
    },
  },
  "services disable": toggle("services", "disable"),
  "services enable": toggle("services", "enable"),
  "countries disable": toggle("countries", "disable"),
  "countries enable": toggle("countries", "enable"),
};
