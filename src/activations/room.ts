import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";

/** One Durable Object per activation: the single writer of that activation while it is live. */
export class ActivationRoom extends DurableObject<Env> {}
