// A fake Cloudflare Access team domain: the one endpoint an origin talks to, the team's signing keys.
// Follows "Validate JWTs" in the Cloudflare One docs (developers.cloudflare.com/cloudflare-one/
// access-controls/applications/http-apps/authorization-cookie/validating-json/): GET
// https://<team>.cloudflareaccess.com/cdn-cgi/access/certs answers { keys: [JWK…], public_cert,
// public_certs }. Tests generate their key pair and install the public JWKS with PUT /__keys.
export const FAKE_ACCESS_HOST = "smsprof-test.cloudflareaccess.com";

let keys: unknown[] = [];
let fetches = 0;

export const fakeAccess = async (request: Request): Promise<Response> => {
  const url = new URL(request.url);
  if (url.pathname === "/__keys" && request.method === "PUT") {
    keys = ((await request.json()) as { keys: unknown[] }).keys;
    return Response.json({ ok: true });
  }
  if (url.pathname === "/__fetches") return Response.json({ fetches });
  if (url.protocol !== "https:")
    return new Response("Access serves its keys over HTTPS only", { status: 400 });
  if (url.pathname !== "/cdn-cgi/access/certs") return new Response("Not found", { status: 404 });
  if (request.method !== "GET") return new Response("Method not allowed", { status: 405 });
  fetches++;
  // The PEM fields are part of the published shape; the origin reads only `keys`.
  return Response.json({ keys, public_cert: { kid: "", cert: "" }, public_certs: [] });
};
