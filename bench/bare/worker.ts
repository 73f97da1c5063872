// The yardstick of goal 3: a bare Hono Worker answering GET /api/health like ours, with no
// middleware, served on the same runtime beside the service in the same bench run (bench/lib/serve.mjs),
// once behind the service's own static assets and once without.
import { Hono } from "hono";

const app = new Hono();
app.get("/api/health", (c) => c.json({ ok: true }));

export default app;
