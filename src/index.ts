// Worker entry: HTTP via the Hono app, the scheduled sweeps, and the Durable Object class.
import { createApp } from "./app";
import { countingEnv, scopeOfPath } from "./bench/counting";
import type { Env } from "./env";
import { runScheduledSweeps } from "./ops/sweeps";

export { ActivationRoom } from "./activations/room";
export { WebhookOutbox } from "./webhooks/outbox";

const app = createApp();

export default {
  // countingEnv is the identity unless this is a bench server (BENCH_SEED set).
  fetch: (request, env, ctx) =>
    app.fetch(
      request,
      env.BENCH_SEED ? countingEnv(env, scopeOfPath(new URL(request.url).pathname)) : env,
      ctx,
    ),
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduledSweeps(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;
