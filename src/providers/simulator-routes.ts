import { createRouter } from "../lib/openapi";

export const simulatorRoutes = createRouter();
