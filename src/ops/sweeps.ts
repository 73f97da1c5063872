import { purgeAccountRecords } from "../accounts/purge";
import { sweepActivations } from "../activations/sweep";
import { expireHolds } from "../billing/ledger";
import { createDb } from "../db/client";
import { type Env, int } from "../env";
import { resumeErasures } from "../privacy/erase";
import { purgeByRetention, purgeExpiredSmsContent } from "../privacy/retention";
import { purgeUnrentedSms } from "../providers/own-sims";
import { sweepProviders } from "../providers/sweep";
import { sweepWebhooks } from "../webhooks/sweep";

// Cron: each feature adds its sweep here (expired holds, stale activations, SMS retention).
export const runScheduledSweeps = async (env: Env, at: number): Promise<void> => {
  await sweepActivations(env, at);
  await sweepProviders(env, at);
  // After the activations had their chance: a hold still pending past its expiry is voided here.
  await expireHolds(createDb(env.DB), at);
  await purgeExpiredSmsContent(createDb(env.DB), at, int(env.SMS_RETENTION_DAYS, 30));
  await purgeUnrentedSms(createDb(env.DB), at, int(env.SMS_RETENTION_DAYS, 30));
  await purgeAccountRecords(createDb(env.DB), at);
  await purgeByRetention(env, createDb(env.DB), at);
  // Erasures whose rooms have not all confirmed yet.
  await resumeErasures(env, createDb(env.DB));
  await sweepWebhooks(env, at);
};
