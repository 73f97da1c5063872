// Which URLs an endpoint may point at. A webhook makes our Worker send requests where a customer says,
// so production refuses what would reach inside a network: anything but HTTPS, names that only
// resolve locally, and addresses that are private, loopback, link-local, shared (CGNAT) or reserved —
// as literals, and as what the name resolves to (DNS over HTTPS, WEBHOOKS_DNS_URL). Development and
// tests set WEBHOOKS_ALLOW_PRIVATE_TARGETS=true to reach a receiver on their own machine.
import { type Env, flag } from "../env";
import { AppError } from "../lib/errors";

const refused = (why: string) =>
  new AppError(400, "WEBHOOK_TARGET_REFUSED", `This endpoint URL is refused: ${why}.`);

const ipv4Parts = (host: string): number[] | null => {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : null;
};

/** RFC 6890 special-purpose ranges a public receiver never lives in. */
export const isPrivateIpv4 = (host: string): boolean => {
  const p = ipv4Parts(host);
  if (!p) return false;
  const [a = 0, b = 0] = p;
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
};

export const isPrivateIpv6 = (host: string): boolean => {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (!h.includes(":")) return false;
  if (h === "::" || h === "::1") return true;
  // IPv4-mapped addresses; the URL parser writes ::ffff:10.0.0.1 as ::ffff:a00:1.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  if (mapped) return isPrivateIpv4(mapped[1] as string);
  const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(h);
  if (hexMapped) {
    const [hi, lo] = [
      Number.parseInt(hexMapped[1] as string, 16),
      Number.parseInt(hexMapped[2] as string, 16),
    ];
    return isPrivateIpv4(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
  }
  return /^(fc|fd|fe[89ab]|ff)/.test(h); // unique local, link-local, multicast
};

const LOCAL_NAMES = /(^|\.)(localhost|local|internal|intranet|lan|home\.arpa)$/i;

type DnsAnswer = { Answer?: { type: number; data: string }[] };

/** The A and AAAA records of a name, from a DNS-over-HTTPS JSON resolver. */
const resolve = async (env: Env, host: string): Promise<string[]> => {
  const addresses: string[] = [];
  for (const type of ["A", "AAAA"]) {
    const url = `${env.WEBHOOKS_DNS_URL}?name=${encodeURIComponent(host)}&type=${type}`;
    const res = await fetch(url, {
      headers: { Accept: "application/dns-json" },
      signal: AbortSignal.timeout(5_000),
    });
    if (!res.ok) throw refused(`its name could not be resolved (resolver answered ${res.status})`);
    const body = (await res.json()) as DnsAnswer;
    for (const answer of body.Answer ?? [])
      if (answer.type === 1 || answer.type === 28) addresses.push(answer.data);
  }
  return addresses;
};

/** Throws WEBHOOK_TARGET_REFUSED unless the URL may receive webhooks in this deployment. */
export const assertAllowedTarget = async (env: Env, raw: string): Promise<URL> => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refused("it is not a URL");
  }
  if (url.username || url.password) throw refused("it carries credentials");
  if (flag(env.WEBHOOKS_ALLOW_PRIVATE_TARGETS)) {
    if (url.protocol !== "https:" && url.protocol !== "http:") throw refused("use http or https");
    return url;
  }
  if (url.protocol !== "https:") throw refused("use https");
  const host = url.hostname;
  if (LOCAL_NAMES.test(host) || (!host.includes(".") && !host.includes(":")))
    throw refused("the name is local");
  if (isPrivateIpv4(host) || isPrivateIpv6(host))
    throw refused("it is a private, loopback or link-local address");
  if (ipv4Parts(host) || host.startsWith("[")) return url;
  const addresses = await resolve(env, host);
  if (addresses.length === 0) throw refused("its name does not resolve");
  if (addresses.some((a) => isPrivateIpv4(a) || isPrivateIpv6(a)))
    throw refused("its name resolves to a private, loopback or link-local address");
  return url;
};
