// A DNS-over-HTTPS resolver speaking the JSON API (Cloudflare's "DNS over HTTPS — JSON" format, as
// Google Public DNS's JSON API: GET ?name=&type=A|AAAA with Accept: application/dns-json, answering
// {Status, Question, Answer: [{name, type, TTL, data}]}; Status 3 is NXDOMAIN). Runs in Node behind
// the test pool's outbound handler. The names it knows are the tests' targets.
export const FAKE_DNS_HOST = "dns.fake";

const A_RECORDS: Record<string, string[]> = {
  "hooks.receiver.fake": ["203.0.113.10"],
  // A public-looking name that resolves inside a network: what SSRF through DNS looks like.
  "intranet-alias.example": ["10.1.2.3"],
  "metadata-alias.example": ["169.254.169.254"],
};
const TYPES: Record<string, number> = { A: 1, AAAA: 28 };

export const fakeDns = async (request: Request): Promise<Response> => {
  const url = new URL(request.url);
  const name = url.searchParams.get("name") ?? "";
  const type = url.searchParams.get("type") ?? "";
  if (request.method !== "GET" || url.pathname !== "/dns-query" || !name || !(type in TYPES)) {
    return new Response("bad DoH request", { status: 400 });
  }
  if (request.headers.get("accept") !== "application/dns-json") {
    return new Response("send Accept: application/dns-json", { status: 415 });
  }
  const known = Object.hasOwn(A_RECORDS, name);
  const data = type === "A" && known ? (A_RECORDS[name] ?? []) : [];
  return Response.json(
    {
      Status: known ? 0 : 3,
      TC: false,
      RD: true,
      RA: true,
      AD: false,
      CD: false,
      Question: [{ name: `${name}.`, type: TYPES[type] }],
      ...(data.length
        ? { Answer: data.map((ip) => ({ name: `${name}.`, type: 1, TTL: 300, data: ip })) }
        : {}),
    },
    { headers: { "Content-Type": "application/dns-json" } },
  );
};
