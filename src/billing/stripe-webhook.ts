import { createRouter } from "../lib/openapi";

export const stripeWebhook = createRouter();
