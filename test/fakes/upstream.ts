// Runs in Node, outside the Workers runtime: answers every outbound fetch the Worker makes in tests.
// Each fake checks the requests it receives against the documented protocol it stands in for.
import { FAKE_EMAIL_HOST, fakeEmailApi } from "../accounts/fake-email-api.ts";
import { FAKE_STRIPE_HOST, fakeStripeApi } from "../billing/fake-stripe-api.ts";
import { FAKE_ACCESS_HOST, fakeAccess } from "./access.ts";

export const fakeUpstream = async (request: Request): Promise<Response> => {
  const url = new URL(request.url);
  if (url.host === FAKE_EMAIL_HOST) return fakeEmailApi(request);
  if (url.host === FAKE_STRIPE_HOST) return fakeStripeApi(request);
  if (url.host === FAKE_ACCESS_HOST) return fakeAccess(request);
  return new Response(`No fake answers ${request.method} ${url.host}${url.pathname}`, { status: 502 });
};
