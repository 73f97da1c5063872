import { createRouter } from "../lib/openapi";

export const docs = createRouter();
