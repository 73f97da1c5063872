// A fake SIM bank speaking the SMSHUB agent protocol ("SMSHUB Agent Protocol", version of March 6,
// 2024): the agent side, which the hub (SMSPROF) calls. It checks every request as the protocol
// states it — POST, JSON (gzip accepted, Content-Encoding), a User-Agent, the protocol key, known
// actions, field types (numbers are numbers: `sum` a cur with at most 4 decimals, `currency` 643 or
// 840, `activationId` a Ulong, `status` of Appendix 4) — and answers like an agent must: the stock of
// free SIMs per country × operator × service, a number never among the excluded prefixes nor already
// sold for the service, FINISH_ACTIVATION idempotent, every answer gzipped when the hub accepts it.
// Runs in Node behind test/fakes/upstream.ts (tests) or scripts/fake-smshub-agent.mjs (npm start).
// Each host keeps its own state, shared by every test file: tests stock SIMs of a country of their
// own and never touch the others'. Paths under /__ are for tests only:
//   POST /__sims {country, sims: [{phone, operator, services}]}   that country's SIMs, afresh
//   POST /__fail {activationId, times}   the next `times` FINISH_ACTIVATION of it answer ERROR
//   GET  /__state                      SIMs, activations (with every FINISH status received), requests
//   POST /__sms {phone, phoneFrom, text}   an SMS reached a SIM: returns the PUSH_SMS body it sends
//   POST /__reset {key?}               an empty bank (the local demo's start)
export const FAKE_AGENT_HOST = "smshub-agent.fake";
export const FAKE_AGENT_KEY = "test-agent-key";

type FakeSim = { phone: number; country: string; operator: string; services: string[]; soldFor: string[] };
type FakeActivation = {
  id: number;
  failFinish: number;
  phone: number;
  service: string;
  sum: number;
  currency: number;
  open: boolean;
  finishes: number[];
};
type Received = { action: string; body: Record<string, unknown>; gzip: boolean };

type AgentState = {
  key: string;
  sims: FakeSim[];
  activations: Map<number, FakeActivation>;
  received: Received[];
  nextActivation: number;
  nextSms: number;
};

const states = new Map<string, AgentState>();
const stateOf = (host: string): AgentState => {
  let state = states.get(host);
  if (!state) {
    // Until a test sets SIMs up, the bank is empty: it offers nothing to anyone's catalog.
    state = {
      key: FAKE_AGENT_KEY,
      sims: [],
      activations: new Map(),
      received: [],
      nextActivation: 100,
      nextSms: 1,
    };
    states.set(host, state);
  }
  return state;
};

const gzip = async (text: string) =>
  new Response(new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer();

/** The agent's answer: JSON, gzip-compressed when the hub says it accepts gzip. */
const answer = async (request: Request, body: unknown, status = 200) => {
  const text = JSON.stringify(body);
  if (!/\bgzip\b/.test(request.headers.get("Accept-Encoding") ?? "")) {
    return new Response(text, { status, headers: { "Content-Type": "application/json" } });
  }
  return new Response(await gzip(text), {
    status,
    headers: { "Content-Type": "application/json", "Content-Encoding": "gzip" },
  });
};

const error = (request: Request, message: string) => answer(request, { status: "ERROR", error: message });

const isUlong = (v: unknown) => typeof v === "number" && Number.isInteger(v) && v >= 0;
const isCur = (v: unknown) => typeof v === "number" && v >= 0 && Math.round(v * 10_000) === v * 10_000;

const busy = (state: AgentState, phone: number) =>
  [...state.activations.values()].some((a) => a.open && a.phone === phone);

const readJson = async (request: Request): Promise<{ body: unknown; gzip: boolean }> => {
  const gzipped = request.headers.get("Content-Encoding") === "gzip";
  const stream =
    gzipped && request.body ? request.body.pipeThrough(new DecompressionStream("gzip")) : request.body;
  const text = await new Response(stream).text();
  return { body: JSON.parse(text), gzip: gzipped };
};

const control = async (request: Request, state: AgentState, path: string) => {
  const body = request.method === "POST" ? ((await request.json()) as Record<string, unknown>) : {};
  if (path === "/__reset" && request.method === "POST") {
    state.key = typeof body.key === "string" ? body.key : FAKE_AGENT_KEY;
    state.sims = [];
    state.activations.clear();
    state.received = [];
    return Response.json({ ok: true });
  }
  if (path === "/__sims" && request.method === "POST") {
    const country = String(body.country);
    const sims = body.sims as Array<Omit<FakeSim, "soldFor" | "country">>;
    const gone = new Set(state.sims.filter((s) => s.country === country).map((s) => s.phone));
    for (const [id, a] of state.activations) if (gone.has(a.phone)) state.activations.delete(id);
    state.sims = [
      ...state.sims.filter((s) => s.country !== country),
      ...sims.map((s) => ({ ...s, country, soldFor: [] })),
    ];
    return Response.json({ ok: true });
  }
  if (path === "/__fail" && request.method === "POST") {
    const activation = state.activations.get(Number(body.activationId));
    if (!activation) return new Response("no such activation", { status: 404 });
    activation.failFinish = Number(body.times);
    return Response.json({ ok: true });
  }
  if (path === "/__state" && request.method === "GET") {
    return Response.json({
      sims: state.sims,
      activations: [...state.activations.values()],
      received: state.received,
    });
  }
  if (path === "/__sms" && request.method === "POST") {
    // Exactly the body the agent POSTs to the hub, numbers as numbers.
    const { phone, phoneFrom, text } = body;
    return Response.json({
      action: "PUSH_SMS",
      key: state.key,
      smsId: state.nextSms++,
      phone,
      phoneFrom,
      text,
    });
  }
  return new Response("unknown control path", { status: 404 });
};

export const fakeSmshubAgent = async (request: Request): Promise<Response> => {
  const url = new URL(request.url);
  const state = stateOf(url.host);
  if (url.pathname.startsWith("/__")) return control(request, state, url.pathname);
  if (request.method !== "POST") return new Response("the protocol is POST only", { status: 405 });
  if (!request.headers.get("Content-Type")?.startsWith("application/json"))
    return error(request, "JSON expected");
  if (!request.headers.get("User-Agent")) return error(request, "a User-Agent header is required");
  let parsed: { body: unknown; gzip: boolean };
  try {
    parsed = await readJson(request);
  } catch {
    return error(request, "the body is not JSON");
  }
  const body = parsed.body as Record<string, unknown>;
  const action = String(body.action);
  state.received.push({ action, body, gzip: parsed.gzip });
  if (body.key !== state.key) return error(request, "wrong key");

  if (action === "GET_SERVICES") {
    const byCountry = new Map<string, Record<string, Record<string, number>>>();
    for (const sim of state.sims) {
      const operators = byCountry.get(sim.country) ?? {};
      const counts = operators[sim.operator] ?? {};
      operators[sim.operator] = counts;
      for (const service of sim.services) {
        const free = !busy(state, sim.phone) && !sim.soldFor.includes(service);
        counts[service] = (counts[service] ?? 0) + (free ? 1 : 0);
      }
      byCountry.set(sim.country, operators);
    }
    const countryList = [...byCountry].map(([country, operatorMap]) => ({ country, operatorMap }));
    return answer(request, { countryList, status: "SUCCESS" });
  }

  if (action === "GET_NUMBER") {
    for (const field of ["country", "service", "operator"]) {
      if (typeof body[field] !== "string") return error(request, `${field} must be a string`);
    }
    if (!isCur(body.sum)) return error(request, "sum must be a number with at most 4 decimals");
    if (body.currency !== 643 && body.currency !== 840) return error(request, "currency must be 643 or 840");
    const exceptions = body.exceptionPhoneSet ?? [];
    if (!Array.isArray(exceptions) || exceptions.some((p) => typeof p !== "string" || !/^\d+$/.test(p))) {
      return error(request, "exceptionPhoneSet must be an array of digit strings");
    }
    const { country, service, operator } = body as { country: string; service: string; operator: string };
    const sim = state.sims.find(
      (s) =>
        s.country === country &&
        (operator === "any" || s.operator === operator) &&
        s.services.includes(service) &&
        !s.soldFor.includes(service) &&
        !busy(state, s.phone) &&
        !exceptions.some((prefix: string) => String(s.phone).startsWith(prefix)),
    );
    if (!sim) return answer(request, { status: "NO_NUMBERS" });
    const id = state.nextActivation++;
    state.activations.set(id, {
      id,
      failFinish: 0,
      phone: sim.phone,
      service,
      sum: body.sum as number,
      currency: body.currency,
      open: true,
      finishes: [],
    });
    return answer(request, { number: sim.phone, activationId: id, status: "SUCCESS" });
  }

  if (action === "FINISH_ACTIVATION") {
    if (!isUlong(body.activationId)) return error(request, "activationId must be a Ulong number");
    if (![1, 3, 4, 5].includes(body.status as number)) return error(request, "status must be 1, 3, 4 or 5");
    const activation = state.activations.get(body.activationId as number);
    if (!activation) return error(request, "no such activation");
    if (activation.failFinish > 0) {
      activation.failFinish--;
      return error(request, "temporarily unable to finish");
    }
    // Idempotent: a repeated finish of a known activation is SUCCESS again.
    activation.finishes.push(body.status as number);
    if (activation.open) {
      activation.open = false;
      const sim = state.sims.find((s) => s.phone === activation.phone);
      if (sim && (body.status === 3 || body.status === 1)) sim.soldFor.push(activation.service);
    }
    return answer(request, { status: "SUCCESS" });
  }

  return error(request, `unknown action ${action}`);
};
