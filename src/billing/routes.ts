import { createRouter } from "../lib/openapi";

export const routes = createRouter();
