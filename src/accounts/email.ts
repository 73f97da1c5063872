// The email adapter. Every message is recorded in email_outbox; with EMAIL_API_URL set it is POSTed
// to that HTTP email API, otherwise it is printed to the log so `npm start` shows the links.
import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { emailOutbox } from "../db/schema";
import type { Env } from "../env";
import { newId } from "../lib/ids";
import { log } from "../lib/log";
import { now } from "../lib/time";

export type EmailMessage = { to: string; subject: string; body: string };

// The text carries live sign-in links: once a real email API has it, the outbox keeps only the envelope.
export const REDACTED_BODY = "(not kept: the text was handed to the email API)";

/** Records and delivers one message; returns whether delivery succeeded. Never throws on delivery. */
export const sendEmail = async (
  env: Env,
  db: Db,
  message: EmailMessage,
  requestId?: string,
): Promise<boolean> => {
  const id = newId("eml");
  await db
    .insert(emailOutbox)
    .values({
      id,
      to: message.to,
      subject: message.subject,
      body: env.EMAIL_API_URL ? REDACTED_BODY : message.body,
      createdAt: now(),
    })
    .run();
  const delivered = env.EMAIL_API_URL
    ? await deliverOverHttp(env, id, message, requestId)
    : printToLog(id, message, requestId);
  if (delivered) await db.update(emailOutbox).set({ sentAt: now() }).where(eq(emailOutbox.id, id)).run();
  return delivered;
};

const deliverOverHttp = async (env: Env, id: string, message: EmailMessage, requestId?: string) => {
  try {
    const res = await fetch(env.EMAIL_API_URL as string, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${env.EMAIL_API_KEY ?? ""}` },
      body: JSON.stringify({
        from: env.EMAIL_FROM,
        to: message.to,
        subject: message.subject,
        text: message.body,
      }),
    });
    if (res.ok) return true;
    // The outbox row stays unsent; the person can ask for the email again.
    log(requestId, "email_failed", { id, status: res.status });
  } catch (err) {
    log(requestId, "email_failed", { id, error: String(err) });
  }
  return false;
};

const printToLog = (id: string, message: EmailMessage, requestId?: string) => {
  log(requestId, "email_outbox", { id, to: message.to, subject: message.subject, body: message.body });
  return true;
};
