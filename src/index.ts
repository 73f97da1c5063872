// Worker entry: HTTP via the Hono app, the scheduled sweeps, and the Durable Object class.
import { createApp } from "./app";
import type { Env } from "./env";
import { runScheduledSweeps } from "./ops/sweeps";

export { ActivationRoom } from "./activations/room";
export { WebhookOutbox } from "./webhooks/outbox";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduledSweeps(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;
