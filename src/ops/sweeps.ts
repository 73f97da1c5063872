import { sweepActivations } from "../activations/sweep";
import type { Env } from "../env";
import { sweepProviders } from "../providers/sweep";

// Cron: each feature adds its sweep here (expired holds, stale activations, SMS retention).
export const runScheduledSweeps = async (env: Env, at: number): Promise<void> => {
  await sweepActivations(env, at);
  await sweepProviders(env, at);
};
