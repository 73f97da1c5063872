import { createRouter } from "../lib/openapi";

export const webhookRoutes = createRouter();
