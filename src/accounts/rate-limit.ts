// Brakes on password guessing and mail bombing: per client IP and per target email address.
import type { Env } from "../env";
import { AppError } from "../lib/errors";

const RETRY_AFTER_SECONDS = "60"; // the period of both limiters in wrangler.toml

export const tooMany = () =>
  new AppError(429, "RATE_LIMITED", "Too many attempts; wait a minute and try again.", undefined, {
    "Retry-After": RETRY_AFTER_SECONDS,
  });

export const limitByIpAndEmail = async (env: Env, ip: string, email: string) => {
  const [byIp, byEmail] = await Promise.all([
    env.AUTH_IP_LIMITER.limit({ key: `ip:${ip}` }),
    env.AUTH_EMAIL_LIMITER.limit({ key: `email:${email}` }),
  ]);
  if (!byIp.success || !byEmail.success) throw tooMany();
};

export const limitByEmail = async (env: Env, email: string) => {
  const { success } = await env.AUTH_EMAIL_LIMITER.limit({ key: `email:${email}` });
  if (!success) throw tooMany();
};
