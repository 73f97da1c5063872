// A fake 5sim, following 5sim's API documentation (5sim.net/docs): base …/v1, user endpoints with
// `Authorization: Bearer <token>` (401 without a good one), GET everywhere, JSON answers, errors as
// short phrases in the body of a 400 ("no free phones", "not enough user balance", "order not
// found", "order has sms"). Guest prices are {country: {product: {operator: {cost, count, rate}}}};
// an order is {id, phone, operator, product, price, status, expires, sms, created_at, country} with
// status PENDING → RECEIVED → FINISHED, or CANCELED / TIMEOUT / BANNED, and `sms` a list of
// {created_at, date, sender, text, code}. 5sim sends no webhooks: clients poll /user/check/{id}.
//
// It checks every request: the method, the path shape, the token, and that country, operator and
// product are words 5sim knows; anything else is a 400 "FAKE_PROTOCOL_VIOLATION".
// Plain TypeScript that Node runs directly (test/fakes/serve.ts) and the test pool imports.
// Endpoints under /__ are for tests and demos only:
//   POST /__offer {country, product, cost, count}   sets the "any operator" offer (country and
//                                                   product in 5sim's words)
//   POST /__sms {id, text, code?}                    an SMS reaches an order (the next check shows it)
//   POST /__end {id, status}                         the upstream ends the order: TIMEOUT, CANCELED, BANNED
//   POST /__balance {balance}
//   GET  /__order/{id}                               the order and the calls received for it

type FiveSms = { created_at: string; date: string; sender: string; text: string; code: string };
type Order = {
  id: number;
  phone: string;
  operator: string;
  product: string;
  price: number;
  status: "PENDING" | "RECEIVED" | "CANCELED" | "TIMEOUT" | "FINISHED" | "BANNED";
  expires: string;
  sms: FiveSms[];
  created_at: string;
  country: string;
};

export type FiveSimFakeOptions = { host: string; token: string };

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const phrase = (body: string, status = 400) =>
  new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
const violation = (message: string) => phrase(`FAKE_PROTOCOL_VIOLATION: ${message}`);

const WORD = /^[a-z0-9]+$/;

export const createFiveSimFake = (options: FiveSimFakeOptions) => {
  // country → product → offer of the "any" operator, kept as one operator "virtual21"
  const offers = new Map<string, { cost: number; count: number }>();
  const orders = new Map<number, Order & { calls: string[] }>();
  let balance = 100;
  let nextId = 400_000_000 + Math.floor(Math.random() * 90_000_000);

  const publicOrder = ({ calls: _calls, ...order }: Order & { calls: string[] }) => order;

  const user = (parts: string[], url: URL): Response => {
    const [what, ...rest] = parts;
    if (what === "profile" && rest.length === 0)
      return json({ id: 1, email: "reseller@example.com", balance, rating: 96 });
    if (what === "buy" && rest[0] === "activation" && rest.length === 4) {
      const [, country = "", operator = "", product = ""] = rest;
      if (![country, operator, product].every((w) => WORD.test(w)))
        return violation("country, operator and product are lowercase words");
      const extra = [...url.searchParams.keys()].filter(
        (k) => !["maxPrice", "forwarding", "number", "reuse", "voice", "ref"].includes(k),
      );
      if (extra.length > 0) return violation(`buy takes no ${extra.join(", ")}`);
      const offer = offers.get(`${country}|${product}`);
      if (!offer) return phrase("no product");
      if (operator !== "any" && operator !== "virtual21") return phrase("bad operator");
      const cap = url.searchParams.get("maxPrice");
      if (cap !== null && !/^\d+(\.\d+)?$/.test(cap))
        return violation(`maxPrice must be a number, got ${cap}`);
      if (offer.count <= 0 || (cap !== null && Number(cap) < offer.cost)) return phrase("no free phones");
      if (balance < offer.cost) return phrase("not enough user balance");
      balance -= offer.cost;
      offer.count -= 1;
      const now = Date.now();
      const order = {
        id: nextId++,
        phone: `+44 7${String(Math.floor(Math.random() * 1e9)).padStart(9, "0")}`.replace(" ", ""),
        operator: "virtual21",
        product,
        price: offer.cost,
        status: "PENDING" as const,
        expires: new Date(now + 15 * 60_000).toISOString(),
        sms: [],
        created_at: new Date(now).toISOString(),
        country,
        calls: ["buy"],
      };
      orders.set(order.id, order);
      return json(publicOrder(order));
    }
    if (["check", "finish", "cancel", "ban"].includes(what ?? "") && rest.length === 1) {
      if (!/^\d+$/.test(rest[0] ?? "")) return violation("an order id is a number");
      const order = orders.get(Number(rest[0]));
      if (!order) return phrase("order not found", 404);
      order.calls.push(what ?? "");
      const ended = !["PENDING", "RECEIVED"].includes(order.status);
      if (what === "check") return json(publicOrder(order));
      if (what === "finish") {
        if (order.status === "FINISHED") return json(publicOrder(order));
        if (ended || order.sms.length === 0) return phrase("order not found");
        order.status = "FINISHED";
        return json(publicOrder(order));
      }
      if (what === "cancel") {
        if (order.status === "CANCELED") return json(publicOrder(order));
        if (ended) return phrase("order not found");
        if (order.sms.length > 0) return phrase("order has sms");
        order.status = "CANCELED";
        balance += order.price;
        return json(publicOrder(order));
      }
      if (ended) return phrase("order not found");
      order.status = "BANNED";
      return json(publicOrder(order));
    }
    return violation(`no such endpoint /user/${parts.join("/")}`);
  };

  const guestPrices = (): Response => {
    const answer: Record<
      string,
      Record<string, Record<string, { cost: number; count: number; rate: number }>>
    > = {};
    for (const [key, offer] of offers) {
      const [country = "", product = ""] = key.split("|");
      answer[country] = { ...answer[country], [product]: { virtual21: { ...offer, rate: 90 } } };
    }
    return json(answer);
  };

  const control = async (request: Request, url: URL): Promise<Response> => {
    const body = request.method === "POST" ? ((await request.json()) as Record<string, unknown>) : {};
    const order = orders.get(Number(body.id ?? url.pathname.split("/")[2]));
    switch (url.pathname.split("/")[1]) {
      case "__offer":
        offers.set(`${body.country}|${body.product}`, { cost: Number(body.cost), count: Number(body.count) });
        return json({ ok: true });
      case "__balance":
        balance = Number(body.balance);
        return json({ ok: true });
      case "__sms": {
        if (!order || !["PENDING", "RECEIVED"].includes(order.status))
          return json({ error: "no live order" }, 404);
        const at = new Date().toISOString();
        const code = String(body.code ?? /\d{4,8}/.exec(String(body.text))?.[0] ?? "");
        order.sms.push({ created_at: at, date: at, sender: "Service", text: String(body.text), code });
        order.status = "RECEIVED";
        return json({ ok: true });
      }
      case "__end":
        if (!order) return json({ error: "no order" }, 404);
        order.status = (body.status as Order["status"]) ?? "TIMEOUT";
        return json({ ok: true });
      case "__order":
        if (!order) return json({ error: "no order" }, 404);
        return json(order);
      default:
        return json({ error: "no such control" }, 404);
    }
  };

  return {
    host: options.host,
    async handle(request: Request): Promise<Response> {
      const url = new URL(request.url);
      if (url.pathname.startsWith("/__")) return control(request, url);
      if (request.method !== "GET") return violation(`5sim is called with GET here, not ${request.method}`);
      const parts = url.pathname.split("/").filter(Boolean);
      if (parts[0] !== "v1") return violation(`no such path ${url.pathname}`);
      if (parts[1] === "guest" && parts[2] === "prices" && parts.length === 3) return guestPrices();
      if (parts[1] !== "user") return violation(`no such path ${url.pathname}`);
      if (request.headers.get("Authorization") !== `Bearer ${options.token}`)
        return phrase("Unauthorized", 401);
      return user(parts.slice(2), url);
    },
  };
};
