// A fake of the part of the Stripe API the service uses (Checkout Sessions), answering like Stripe
// does and refusing requests Stripe would refuse. Runs in Node, behind the test pool's outbound
// handler (test/fakes/upstream.ts). Endpoints under /__ are for tests only:
//   GET  /__received          every request received, parsed (for assertions on what was sent)
//   POST /__pay/{session id}  the customer paid: the session completes with a payment intent
export const FAKE_STRIPE_HOST = "stripe.fake";
export const FAKE_STRIPE_KEY = "sk_test_fake";

type Session = Record<string, unknown> & { id: string; payment_intent: string | null };
type Received = { method: string; path: string; idempotencyKey: string | null; form: Record<string, string> };

const sessions = new Map<string, Session>();
const idempotent = new Map<string, { body: string; response: Session }>();
const received: Received[] = [];

const random = (n: number) =>
  Array.from(
    crypto.getRandomValues(new Uint8Array(n)),
    (b) => "abcdefghijklmnopqrstuvwxyz0123456789"[b % 36],
  ).join("");

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", "Request-Id": `req_${random(14)}` },
  });

const stripeError = (status: number, type: string, message: string, param?: string) =>
  json({ error: { type, message, ...(param ? { param } : {}) } }, status);

const invalid = (message: string, param?: string) =>
  stripeError(400, "invalid_request_error", message, param);

/** What Stripe checks about a Checkout Session in payment mode with one inline price. */
const sessionProblem = (form: Record<string, string>): [string, string] | null => {
  const required = ["mode", "client_reference_id", "success_url", "cancel_url"];
  for (const field of required) if (!form[field]) return [`Missing required param: ${field}.`, field];
  if (form.mode !== "payment") return ["This fake only supports mode=payment.", "mode"];
  const unitAmount = form["line_items[0][price_data][unit_amount]"] ?? "";
  if (!/^[1-9]\d*$/.test(unitAmount))
    return ["Invalid integer: unit_amount.", "line_items[0][price_data][unit_amount]"];
  if (!/^[a-z]{3}$/.test(form["line_items[0][price_data][currency]"] ?? "")) {
    return ["Invalid currency.", "line_items[0][price_data][currency]"];
  }
  if (!form["line_items[0][price_data][product_data][name]"]) {
    return ["Missing required param: product_data[name].", "line_items[0][price_data][product_data][name]"];
  }
  if (form["line_items[0][quantity]"] !== "1") return ["Expected quantity 1.", "line_items[0][quantity]"];
  for (const url of ["success_url", "cancel_url"]) {
    if (!/^https?:\/\//.test(form[url] ?? "")) return [`Not a valid URL: ${url}.`, url];
  }
  if (!form.success_url?.includes("{CHECKOUT_SESSION_ID}")) {
    return ["success_url should carry {CHECKOUT_SESSION_ID} to find the session again.", "success_url"];
  }
  return null;
};

const createSession = (form: Record<string, string>): Session => {
  const id = `cs_test_${random(24)}`;
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(form)) {
    const m = /^metadata\[(.+)\]$/.exec(k);
    if (m?.[1]) metadata[m[1]] = v;
  }
  const session: Session = {
    id,
    object: "checkout.session",
    mode: "payment",
    status: "open",
    payment_status: "unpaid",
    // As in Stripe's current API versions, the payment intent exists only once the customer pays.
    payment_intent: null,
    client_reference_id: form.client_reference_id,
    customer_email: form.customer_email ?? null,
    amount_total: Number(form["line_items[0][price_data][unit_amount]"]),
    currency: form["line_items[0][price_data][currency]"],
    metadata,
    success_url: form.success_url,
    cancel_url: form.cancel_url,
    url: `https://checkout.stripe.com/c/pay/${id}`,
    livemode: false,
    created: Math.floor(Date.now() / 1000),
  };
  sessions.set(id, session);
  return session;
};

export const fakeStripeApi = async (request: Request): Promise<Response> => {
  const url = new URL(request.url);
  const body = request.method === "POST" ? await request.text() : "";
  const form = Object.fromEntries(new URLSearchParams(body));

  if (url.pathname === "/__received") return json(received);
  const pay = /^\/__pay\/([^/]+)$/.exec(url.pathname);
  if (pay?.[1] && request.method === "POST") {
    const session = sessions.get(pay[1]);
    if (!session) return invalid(`No such checkout.session: '${pay[1]}'`);
    Object.assign(session, {
      status: "complete",
      payment_status: form.payment_status ?? "paid",
      payment_intent: session.payment_intent ?? `pi_${random(24)}`,
    });
    return json(session);
  }

  received.push({
    method: request.method,
    path: url.pathname + url.search,
    idempotencyKey: request.headers.get("Idempotency-Key"),
    form,
  });
  if (request.headers.get("Authorization") !== `Bearer ${FAKE_STRIPE_KEY}`) {
    return stripeError(401, "invalid_request_error", "Invalid API Key provided.");
  }
  if (!request.headers.get("Stripe-Version")) return invalid("Missing Stripe-Version header.");

  if (url.pathname === "/v1/checkout/sessions" && request.method === "POST") {
    if (!request.headers.get("Content-Type")?.startsWith("application/x-www-form-urlencoded")) {
      return invalid("Stripe expects a form-encoded body.");
    }
    const key = request.headers.get("Idempotency-Key");
    if (!key) return invalid("This fake insists on an Idempotency-Key for every create.");
    const earlier = idempotent.get(key);
    if (earlier) {
      if (earlier.body !== body) {
        return stripeError(
          400,
          "idempotency_error",
          "Keys for idempotent requests can only be used with the same parameters they were first used with.",
        );
      }
      return json(earlier.response);
    }
    const problem = sessionProblem(form);
    if (problem) return invalid(...problem);
    const session = createSession(form);
    idempotent.set(key, { body, response: session });
    return json(session);
  }

  if (url.pathname === "/v1/checkout/sessions" && request.method === "GET") {
    const paymentIntent = url.searchParams.get("payment_intent");
    const data = [...sessions.values()].filter((s) => !paymentIntent || s.payment_intent === paymentIntent);
    return json({ object: "list", url: "/v1/checkout/sessions", has_more: false, data: data.slice(0, 10) });
  }

  const one = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(url.pathname);
  if (one?.[1] && request.method === "GET") {
    const session = sessions.get(one[1]);
    if (!session)
      return stripeError(404, "invalid_request_error", `No such checkout.session: '${one[1]}'`, "session");
    return json(session);
  }

  return stripeError(
    404,
    "invalid_request_error",
    `Unrecognized request URL (${request.method}: ${url.pathname}).`,
  );
};
