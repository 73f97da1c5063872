// Runs in Node, outside the Workers runtime: answers every outbound fetch the Worker makes in tests.
// Each fake checks the requests it receives against the documented protocol it stands in for.
import { FAKE_EMAIL_HOST, fakeEmailApi } from "../accounts/fake-email-api.ts";
import { FAKE_STRIPE_HOST, fakeStripeApi } from "../billing/fake-stripe-api.ts";
import { FAKE_AGENT_HOST, fakeSmshubAgent } from "./smshub-agent.ts";

export const fakeUpstream = async (request: Request): Promise<Response> => {
  const url = new URL(request.url);
  if (url.host === FAKE_EMAIL_HOST) return fakeEmailApi(request);
  if (url.host === FAKE_STRIPE_HOST) return fakeStripeApi(request);
  // Own SIMs: SIM banks speaking the SMSHUB agent protocol (one state per host, e.g. a.smshub-agent.fake).
  if (url.host === FAKE_AGENT_HOST || url.host.endsWith(`.${FAKE_AGENT_HOST}`)) return fakeSmshubAgent(request);
  return new Response(`No fake answers ${request.method} ${url.host}${url.pathname}`, { status: 502 });
};
