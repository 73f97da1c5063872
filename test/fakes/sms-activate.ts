// A fake upstream speaking the sms-activate protocol, as sms-activate's API documentation
// (sms-activate.io/en/api2, the handler_api.php reference) describes it and as its client libraries
// embed it (the sms-activate-org npm client: getNumberV2 fields activationId, phoneNumber,
// activationCost, countryCode, canGetAnotherSms, activationTime, activationOperator; getStatus words
// STATUS_WAIT_CODE / STATUS_WAIT_RETRY:code / STATUS_OK:code / STATUS_CANCEL; setStatus answers
// ACCESS_READY / ACCESS_RETRY_GET / ACCESS_ACTIVATION / ACCESS_CANCEL; error words NO_NUMBERS,
// NO_BALANCE, BAD_KEY, BAD_ACTION, BAD_SERVICE, NO_ACTIVATION, BAD_STATUS, EARLY_CANCEL_DENIED,
// WRONG_MAX_PRICE:min). Profiles change what the clones differ in: smshub has no getNumberV2 nor
// getStatusV2; daisysms also names its price cap max_price and says MAX_PRICE_EXCEEDED / NO_MONEY.
//
// It checks every request: GET on /stubs/handler_api.php, the right api_key (else BAD_KEY, as the
// real one answers), a known action, and exactly the parameters that action takes; a request outside
// the protocol is a 400 "FAKE_PROTOCOL_VIOLATION", which fails the test that caused it.
// Plain TypeScript that Node runs directly (test/fakes/serve.ts) and the test pool imports.
// Endpoints under /__ are for tests and demos only:
//   POST /__offer {service, country, cost, count, refuse?}
//                                                      sets an offer (cost in the account currency);
//                                                      `refuse` is an error word getNumber then answers
//                                                      for it (say NO_BALANCE: a wallet another client
//                                                      of the same account emptied)
//   POST /__sms {id, text, code?}                      an SMS reaches a rented number; answers the
//                                                      webhook body the upstream sends (and sends it
//                                                      to webhookUrl when one is set)
//   POST /__end {id}                                   the upstream cancels the activation itself
//   POST /__deny-cancel {id, times}                    the next cancels answer EARLY_CANCEL_DENIED
//   POST /__balance {balance}                          our wallet there
//   GET  /__activation/{id}                            an activation and the actions received for it

export type SmsActivateProfile = "default" | "smshub" | "daisysms";

type Sms = { code: string; text: string; at: number };
type Activation = {
  id: string;
  phone: string;
  service: string;
  country: number;
  cost: number;
  status: "wait" | "ok" | "retry" | "cancelled" | "finished";
  sms: Sms[];
  denyCancel: number;
  actions: string[];
};

export type SmsActivateFakeOptions = {
  host: string;
  apiKey: string;
  profile: SmsActivateProfile;
  webhookUrl?: string; // where the upstream pushes SMS (the demo); tests forward the answer themselves
};

const ACTIONS: Record<string, { required: string[]; optional: string[] }> = {
  getBalance: { required: [], optional: [] },
  getPrices: { required: [], optional: ["service", "country"] },
  getNumber: { required: ["service", "country"], optional: ["maxPrice", "max_price", "operator"] },
  getNumberV2: { required: ["service", "country"], optional: ["maxPrice", "operator"] },
  getStatus: { required: ["id"], optional: [] },
  getStatusV2: { required: ["id"], optional: [] },
  setStatus: { required: ["id", "status"], optional: [] },
};

const text = (body: string, status = 200) =>
  new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const violation = (message: string) => text(`FAKE_PROTOCOL_VIOLATION: ${message}`, 400);

const pad = (n: number) => String(n).padStart(2, "0");
// The protocol's timestamps: "YYYY-MM-DD HH:MM:SS" (UTC here).
const protocolTime = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
};

export const createSmsActivateFake = (options: SmsActivateFakeOptions) => {
  const offers = new Map<string, { cost: number; count: number; refuse?: string }>();
  const activations = new Map<string, Activation>();
  let balance = 100;
  let nextId = 700_000_000 + Math.floor(Math.random() * 90_000_000);
  const v2 = options.profile === "default";
  const maxParam = options.profile === "daisysms" ? "max_price" : "maxPrice";
  const word = (w: string) => {
    if (options.profile === "daisysms" && w === "NO_BALANCE") return "NO_MONEY";
    if (options.profile === "daisysms" && w.startsWith("WRONG_MAX_PRICE")) return "MAX_PRICE_EXCEEDED";
    return w;
  };

  const api = (url: URL): Response => {
    const params = Object.fromEntries(url.searchParams);
    if (params.api_key !== options.apiKey) return text("BAD_KEY");
    const action = params.action ?? "";
    const spec = ACTIONS[action];
    const allowedHere =
      spec && (v2 || (action !== "getNumberV2" && action !== "getStatusV2")) ? spec : undefined;
    if (!allowedHere) return text("BAD_ACTION");
    const extra = Object.keys(params).filter(
      (k) =>
        k !== "api_key" &&
        k !== "action" &&
        !allowedHere.required.includes(k) &&
        !allowedHere.optional.includes(k),
    );
    if (extra.length > 0) return violation(`${action} takes no ${extra.join(", ")}`);
    const missing = allowedHere.required.filter((k) => !params[k]);
    if (missing.length > 0) return violation(`${action} needs ${missing.join(", ")}`);
    if ((params.maxPrice !== undefined || params.max_price !== undefined) && params[maxParam] === undefined) {
      return violation(`this upstream names the price cap ${maxParam}`);
    }

    if (action === "getBalance") return text(`ACCESS_BALANCE:${balance.toFixed(2)}`);
    if (action === "getPrices") {
      const answer: Record<string, Record<string, { cost: number; count: number }>> = {};
      for (const [key, { cost, count }] of offers) {
        const [country = "", service = ""] = key.split("|");
        answer[country] = { ...answer[country], [service]: { cost, count } };
      }
      return json(answer);
    }
    if (action === "getNumber" || action === "getNumberV2") {
      if (!/^\d+$/.test(params.country ?? "")) return text("BAD_COUNTRY");
      const offer = offers.get(`${params.country}|${params.service}`);
      if (!offer) return text("BAD_SERVICE");
      if (offer.refuse) return text(word(offer.refuse));
      if (offer.count <= 0) return text("NO_NUMBERS");
      const cap = params[maxParam];
      if (cap !== undefined) {
        if (!/^\d+(\.\d+)?$/.test(cap)) return violation(`${maxParam} must be a decimal, got ${cap}`);
        if (Number(cap) < offer.cost) return text(word(`WRONG_MAX_PRICE:${offer.cost}`));
      }
      if (balance < offer.cost) return text(word("NO_BALANCE"));
      balance -= offer.cost;
      offer.count -= 1;
      const id = String(nextId++);
      const phone = `${params.country === "187" ? "1" : "44"}7${String(Math.floor(Math.random() * 1e9)).padStart(9, "0")}`;
      activations.set(id, {
        id,
        phone,
        service: params.service ?? "",
        country: Number(params.country),
        cost: offer.cost,
        status: "wait",
        sms: [],
        denyCancel: 0,
        actions: [action],
      });
      if (action === "getNumber") return text(`ACCESS_NUMBER:${id}:${phone}`);
      return json({
        activationId: id,
        phoneNumber: phone,
        activationCost: offer.cost.toFixed(2),
        countryCode: params.country,
        canGetAnotherSms: "1",
        activationTime: protocolTime(Date.now()),
        activationOperator: "any",
      });
    }
    const activation = activations.get(params.id ?? "");
    if (!activation) return text("NO_ACTIVATION");
    if (action === "getStatus") {
      activation.actions.push("getStatus");
      const last = activation.sms.at(-1);
      if (activation.status === "cancelled") return text("STATUS_CANCEL");
      if (activation.status === "retry")
        return text(last ? `STATUS_WAIT_RETRY:${last.code}` : "STATUS_WAIT_CODE");
      if (last && (activation.status === "ok" || activation.status === "finished"))
        return text(`STATUS_OK:${last.code}`);
      return text("STATUS_WAIT_CODE");
    }
    if (action === "getStatusV2") {
      activation.actions.push("getStatusV2");
      if (activation.status === "cancelled") return text("STATUS_CANCEL");
      const last = activation.sms.at(-1);
      return json({
        verificationType: 0,
        sms: last ? { dateTime: protocolTime(last.at), code: last.code, text: last.text } : null,
        call: null,
      });
    }
    // setStatus
    const status = params.status;
    activation.actions.push(`setStatus:${status}`);
    if (activation.status === "cancelled" || activation.status === "finished") return text("BAD_STATUS");
    if (status === "1") return text("ACCESS_READY");
    if (status === "3") {
      if (activation.sms.length === 0) return text("BAD_STATUS");
      activation.status = "retry";
      return text("ACCESS_RETRY_GET");
    }
    if (status === "6") {
      if (activation.sms.length === 0) return text("BAD_STATUS");
      activation.status = "finished";
      return text("ACCESS_ACTIVATION");
    }
    if (status === "8") {
      if (activation.denyCancel > 0) {
        activation.denyCancel -= 1;
        return text("EARLY_CANCEL_DENIED");
      }
      // A number that already received a code is paid for: the upstream will not cancel it.
      if (activation.sms.length > 0) return text("BAD_STATUS");
      activation.status = "cancelled";
      balance += activation.cost;
      const offer = offers.get(`${activation.country}|${activation.service}`);
      if (offer) offer.count += 1;
      return text("ACCESS_CANCEL");
    }
    return text("BAD_STATUS");
  };

  const control = async (request: Request, url: URL): Promise<Response> => {
    const body = request.method === "POST" ? ((await request.json()) as Record<string, unknown>) : {};
    const activation = activations.get(String(body.id ?? url.pathname.split("/")[2] ?? ""));
    switch (url.pathname.split("/")[1]) {
      case "__offer":
        offers.set(`${body.country}|${body.service}`, {
          cost: Number(body.cost),
          count: Number(body.count),
          ...(typeof body.refuse === "string" ? { refuse: body.refuse } : {}),
        });
        return json({ ok: true });
      case "__balance":
        balance = Number(body.balance);
        return json({ ok: true });
      case "__sms": {
        if (!activation || activation.status === "cancelled" || activation.status === "finished") {
          return json({ error: "no live activation" }, 404);
        }
        const sms = {
          code: String(body.code ?? /\d{4,8}/.exec(String(body.text))?.[0] ?? ""),
          text: String(body.text),
          at: Date.now(),
        };
        activation.sms.push(sms);
        activation.status = "ok";
        const webhook = {
          activationId: Number(activation.id),
          service: activation.service,
          text: sms.text,
          code: sms.code,
          country: activation.country,
          receivedAt: protocolTime(sms.at),
        };
        let pushed: number | null = null;
        if (options.webhookUrl) {
          const res = await fetch(options.webhookUrl, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify(webhook),
          }).catch(() => null);
          pushed = res?.status ?? null;
        }
        return json({ webhook, pushed });
      }
      case "__end":
        if (!activation) return json({ error: "no activation" }, 404);
        activation.status = "cancelled";
        return json({ ok: true });
      case "__deny-cancel":
        if (!activation) return json({ error: "no activation" }, 404);
        activation.denyCancel = Number(body.times ?? 1);
        return json({ ok: true });
      case "__activation":
        if (!activation) return json({ error: "no activation" }, 404);
        return json(activation);
      default:
        return json({ error: "no such control" }, 404);
    }
  };

  return {
    host: options.host,
    async handle(request: Request): Promise<Response> {
      const url = new URL(request.url);
      if (url.pathname.startsWith("/__")) return control(request, url);
      if (url.pathname !== "/stubs/handler_api.php") return violation(`no such path ${url.pathname}`);
      if (request.method !== "GET") return violation(`this client sends GET, not ${request.method}`);
      return api(url);
    },
  };
};
