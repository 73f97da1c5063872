// The yardstick of goal 3: a bare Hono Worker answering GET /api/health like ours, with no
// middleware, run on the same runtime (wrangler dev) beside the service in the same bench run.
import { Hono } from "hono";

const app = new Hono();
app.get("/api/health", (c) => c.json({ ok: true }));

export default app;
