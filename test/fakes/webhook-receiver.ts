// A customer's webhook receiver, as the Standard Webhooks specification describes one
// (standardwebhooks.com): it takes a POST with a JSON body and the `webhook-id`, `webhook-timestamp`
// (Unix seconds) and `webhook-signature` (`v1,<base64>` entries) headers, answers 2xx to accept, and
// anything else — or no answer — makes the sender retry. Runs in Node behind the test pool's outbound
// handler (test/fakes/upstream.ts). It records every request as received (the test verifies the
// signatures itself, with its own implementation of the spec), and refuses with 400 a request that
// breaks the spec's envelope. Endpoints under /__ are for tests only:
//   GET  /__received?path=/x        the requests received at that path, oldest first
//   POST /__behave?path=/x          {"status": 503} answer that status from now on, {"status": 204}
//                                   accept again. (A dropped connection cannot be faked here: the test
//                                   pool turns a thrown error into a 500.)
export const FAKE_RECEIVER_HOST = "hooks.receiver.fake";

export type ReceivedWebhook = {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  problem: string | null;
};

type Behaviour = { status?: number };

const received: ReceivedWebhook[] = [];
const behaviour = new Map<string, Behaviour>();

const problemOf = (request: Request, body: string): string | null => {
  if (request.method !== "POST") return "not a POST";
  if (!/^application\/json/.test(request.headers.get("content-type") ?? "")) return "not JSON";
  const id = request.headers.get("webhook-id");
  const timestamp = request.headers.get("webhook-timestamp");
  const signature = request.headers.get("webhook-signature");
  if (!id || !timestamp || !signature) return "a webhook-* header is missing";
  if (!/^\d+$/.test(timestamp)) return "webhook-timestamp is not Unix seconds";
  if (!signature.split(" ").every((s) => /^v1,[A-Za-z0-9+/]+=*$/.test(s)))
    return "webhook-signature is malformed";
  try {
    JSON.parse(body);
  } catch {
    return "the body is not JSON";
  }
  return null;
};

export const fakeWebhookReceiver = async (request: Request): Promise<Response> => {
  const url = new URL(request.url);
  if (url.pathname === "/__received") {
    const path = url.searchParams.get("path");
    return Response.json(received.filter((r) => r.path === path));
  }
  if (url.pathname === "/__behave") {
    behaviour.set(url.searchParams.get("path") ?? "", (await request.json()) as Behaviour);
    return new Response(null, { status: 204 });
  }
  const body = await request.text();
  const problem = problemOf(request, body);
  received.push({
    method: request.method,
    path: url.pathname,
    headers: Object.fromEntries(request.headers),
    body,
    problem,
  });
  if (problem) return new Response(problem, { status: 400 });
  const how = behaviour.get(url.pathname) ?? {};
  const status = how.status ?? 204;
  return new Response(status === 204 ? null : `receiver answered ${status}`, { status });
};
