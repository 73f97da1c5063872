import { createRouter } from "../lib/openapi";

export const compat = createRouter();
