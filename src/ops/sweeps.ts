import type { Env } from "../env";

// Cron: each feature adds its sweep here (expired holds, stale activations, SMS retention).
export const runScheduledSweeps = async (_env: Env, _at: number): Promise<void> => {};
