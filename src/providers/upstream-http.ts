// What the remote adapters share: money conversion at the edge, bounded requests, and the one way a
// transport failure becomes a ProviderError.
import type { ProviderEntry } from "./config";
import { ProviderError } from "./types";

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * An upstream's decimal price (in its account currency) as CURRENCY minor units, rounded UP: a cost
 * read too low would make a price below the markup.
 */
export const costToMinor = (amount: number, entry: ProviderEntry): number =>
  Math.ceil(Number((amount * entry.rate * 100).toFixed(6)));

/** Our most-we-pay (CURRENCY minor units) as the upstream's decimal, rounded DOWN to its cents. */
export const minorToUpstream = (minor: number, entry: ProviderEntry): string =>
  (Math.floor(Number((minor / entry.rate).toFixed(6))) / 100).toFixed(2);

/** A request to the upstream that cannot hang: the caller's signal or our own timeout ends it. */
export const upstreamFetch = async (
  entry: ProviderEntry,
  url: string,
  init: RequestInit & { signal?: AbortSignal } = {},
): Promise<Response> => {
  try {
    return await fetch(url, { ...init, signal: init.signal ?? AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    throw new ProviderError("UNAVAILABLE", `${entry.name} could not be reached: ${String(error)}`);
  }
};
