// Routing: which upstreams may serve an order for a service × country, in which order, and the
// failover loop that tries them in turn under the order's one hold.
import type { ProviderEntry } from "./config";
import { ProviderError } from "./types";

export type Route = {
  provider: string;
  cost: number; // CURRENCY minor units
  stock: number;
  priority: number;
  price: number; // cost + the entry's markup, rounded up
  successRate: number | null; // null: not measured yet
};

// Rates are compared in steps of 10 %: a route 2 % more successful but far dearer should not win on
// noise. An unmeasured route ranks with the best, so a new upstream gets tried and measured.
const rateStep = (rate: number | null) => (rate === null ? 10 : Math.floor(rate * 10));

/** Measured success rate first, then cost, then the entry's priority (higher first), then name. */
export const rankRoutes = (routes: Route[]): Route[] =>
  [...routes].sort(
    (a, b) =>
      rateStep(b.successRate) - rateStep(a.successRate) ||
      a.cost - b.cost ||
      b.priority - a.priority ||
      a.provider.localeCompare(b.provider),
  );

/** Our price for an upstream cost: × (1 + markup/100), rounded UP (cost 17, 30 % → 22.1 → 23). */
export const sellPrice = (cost: number, markupPercent: number): number =>
  Math.ceil((cost * (100 + markupPercent)) / 100);

export const routeOf = (
  entry: ProviderEntry,
  offer: { cost: number; stock: number },
  successRate: number | null,
): Route => ({
  provider: entry.name,
  cost: offer.cost,
  stock: offer.stock,
  priority: entry.priority,
  price: sellPrice(offer.cost, entry.markupPercent),
  successRate,
});

/** The errors after which the next route is worth trying: this upstream cannot serve now. */
export const fallsOver = (error: unknown): boolean =>
  (error instanceof ProviderError &&
    (error.code === "NO_NUMBERS" || error.code === "UNAVAILABLE" || error.code === "BAD_SERVICE")) ||
  (error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError"));

export type Refusal = { provider: string; error: unknown };

export class AllRoutesRefused extends Error {
  constructor(readonly refusals: Refusal[]) {
    super(`every route refused: ${refusals.map((r) => `${r.provider}: ${String(r.error)}`).join("; ")}`);
  }
}

/**
 * Tries each route in turn until one rents a number. Refusals that another upstream may not share
 * fall over to the next route (reported through `onRefusal`); anything else stops the loop.
 */
export const acquireByRoute = async <T>(
  routes: Route[],
  attempt: (route: Route) => Promise<T>,
  onRefusal: (refusal: Refusal) => void | Promise<void>,
): Promise<{ route: Route; value: T }> => {
  const refusals: Refusal[] = [];
  for (const route of routes) {
    try {
      return { route, value: await attempt(route) };
    } catch (error) {
      if (!fallsOver(error)) throw error;
      refusals.push({ provider: route.provider, error });
      await onRefusal({ provider: route.provider, error });
    }
  }
  throw new AllRoutesRefused(refusals);
};
