import { createRouter } from "../lib/openapi";

export const opsRoutes = createRouter();
