// Stands in for the production HTTP email API (EMAIL_API_URL) in tests; runs in Node via
// test/fakes/upstream.ts. Accepts what src/accounts/email.ts documents: POST JSON
// {from, to, subject, text} with `Authorization: Bearer <EMAIL_API_KEY>`.
export const FAKE_EMAIL_HOST = "email.fake";
export const FAKE_EMAIL_KEY = "test-email-api-key";

export const fakeEmailApi = async (request: Request): Promise<Response> => {
  if (request.method !== "POST") return new Response("method not allowed", { status: 405 });
  if (request.headers.get("Authorization") !== `Bearer ${FAKE_EMAIL_KEY}`) {
    return new Response("bad api key", { status: 401 });
  }
  const body = (await request.json().catch(() => null)) as Record<string, unknown> | null;
  const fields = ["from", "to", "subject", "text"];
  if (!body || fields.some((f) => typeof body[f] !== "string" || body[f] === "")) {
    return Response.json({ error: "from, to, subject and text are required" }, { status: 422 });
  }
  return Response.json({ id: `msg_${Date.now()}` }, { status: 202 });
};
