// Runs in Node, outside the Workers runtime: answers every outbound fetch the Worker makes in tests.
// Each fake checks the requests it receives against the documented protocol it stands in for.
import { FAKE_EMAIL_HOST, fakeEmailApi } from "../accounts/fake-email-api.ts";
import { FAKE_STRIPE_HOST, fakeStripeApi } from "../billing/fake-stripe-api.ts";
import { FAKE_DNS_HOST, fakeDns } from "./dns.ts";
import { FAKE_RECEIVER_HOST, fakeWebhookReceiver } from "./webhook-receiver.ts";

export const fakeUpstream = async (request: Request): Promise<Response> => {
  const url = new URL(request.url);
  if (url.host === FAKE_EMAIL_HOST) return fakeEmailApi(request);
  if (url.host === FAKE_STRIPE_HOST) return fakeStripeApi(request);
  if (url.host === FAKE_RECEIVER_HOST) return fakeWebhookReceiver(request);
  if (url.host === FAKE_DNS_HOST) return fakeDns(request);
  return new Response(`No fake answers ${request.method} ${url.host}${url.pathname}`, { status: 502 });
};
