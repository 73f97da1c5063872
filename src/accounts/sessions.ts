import type { Context } from "hono";
import type { AppEnv, CurrentUser } from "../env";

// Session cookies arrive with the accounts feature (issue: foundation).
export const authenticateSession = async (
  _c: Context<AppEnv>,
): Promise<{ user: CurrentUser; sessionId: string } | null> => null;
