// Runs in Node, outside the Workers runtime: answers every outbound fetch the Worker makes in tests,
// by host name, one fake per file. Each fake checks the requests it receives against the documented
// protocol it stands in for.
import { FAKE_EMAIL_HOST, fakeEmailApi } from "../accounts/fake-email-api.ts";
import { FAKE_STRIPE_HOST, fakeStripeApi } from "../billing/fake-stripe-api.ts";
import { FAKE_ACCESS_HOST, fakeAccess } from "./access.ts";
import { createFiveSimFake } from "./fivesim.ts";
import { FAKE_UPSTREAM_LOG_HOST, FAKE_UPSTREAMS } from "./hosts.ts";
import { createSmsActivateFake } from "./sms-activate.ts";
import { FAKE_AGENT_HOST, fakeSmshubAgent } from "./smshub-agent.ts";

const { hero, hub, daisy, five } = FAKE_UPSTREAMS;
const upstreams = [
  createSmsActivateFake({ host: hero.host, apiKey: hero.key, profile: hero.profile }),
  createSmsActivateFake({ host: hub.host, apiKey: hub.key, profile: hub.profile }),
  createSmsActivateFake({ host: daisy.host, apiKey: daisy.key, profile: daisy.profile }),
  createFiveSimFake({ host: five.host, token: five.key }),
];

import { FAKE_DNS_HOST, fakeDns } from "./dns.ts";
import { FAKE_RECEIVER_HOST, fakeWebhookReceiver } from "./webhook-receiver.ts";

/**
 * Every protocol request the fake upstreams received (their /__ test controls left out), so a test can
 * show that an upstream was never called. Shared by every test file of the pool: filter by what is
 * yours (a country only your file stocks).
 */
export type LoggedUpstreamRequest = {
  host: string;
  method: string;
  path: string;
  query: string;
  body: string;
};
const upstreamLog: LoggedUpstreamRequest[] = [];

export const fakeUpstream = async (request: Request): Promise<Response> => {
  const url = new URL(request.url);
  if (url.host === FAKE_UPSTREAM_LOG_HOST) return Response.json(upstreamLog);
  if (url.host === FAKE_EMAIL_HOST) return fakeEmailApi(request);
  if (url.host === FAKE_STRIPE_HOST) return fakeStripeApi(request);
  const upstream = upstreams.find((u) => u.host === url.host);
  if (upstream) {
    if (!url.pathname.startsWith("/__")) {
      const body = request.method === "GET" ? "" : await request.clone().text();
      upstreamLog.push({
        host: url.host,
        method: request.method,
        path: url.pathname,
        query: url.search,
        body,
      });
    }
    return upstream.handle(request);
  }
  if (url.host === FAKE_ACCESS_HOST) return fakeAccess(request);
  // Own SIMs: SIM banks speaking the SMSHUB agent protocol (one state per host, e.g. a.smshub-agent.fake).
  if (url.host === FAKE_AGENT_HOST || url.host.endsWith(`.${FAKE_AGENT_HOST}`))
    return fakeSmshubAgent(request);
  if (url.host === FAKE_RECEIVER_HOST) return fakeWebhookReceiver(request);
  if (url.host === FAKE_DNS_HOST) return fakeDns(request);
  return new Response(`No fake answers ${request.method} ${url.host}${url.pathname}`, { status: 502 });
};
