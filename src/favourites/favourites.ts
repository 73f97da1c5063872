// Starred services and countries of one account, so the buy screen shows them first on every
// device the customer signs in from.
import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { countries, favourites, services } from "../db/schema";
import { AppError } from "../lib/errors";
import { now } from "../lib/time";

export type FavouriteKind = "service" | "country";
export type Favourites = { services: string[]; countries: number[] };

/** Enough for anyone's real favourites; a bound so a script cannot grow the table without end. */
export const MAX_PER_KIND = 50;

export const listFavourites = async (db: Db, userId: string): Promise<Favourites> => {
  const rows = await db
    .select({ kind: favourites.kind, ref: favourites.ref })
    .from(favourites)
    .where(eq(favourites.userId, userId))
    .orderBy(asc(favourites.createdAt), asc(favourites.ref))
    .all();
  return {
    services: rows.filter((r) => r.kind === "service").map((r) => r.ref),
    countries: rows.filter((r) => r.kind === "country").map((r) => Number(r.ref)),
  };
};

/** Checks that the starred thing exists in the catalog, with the codes ordering uses in its errors. */
const assertKnown = async (db: Db, kind: FavouriteKind, ref: string) => {
  if (kind === "service") {
    const found = await db.select({ code: services.code }).from(services).where(eq(services.code, ref)).get();
    if (!found) throw new AppError(400, "BAD_SERVICE", `There is no service with code "${ref}".`);
    return;
  }
  const id = /^\d{1,6}$/.test(ref) ? Number(ref) : Number.NaN;
  const found = Number.isInteger(id)
    ? await db.select({ id: countries.id }).from(countries).where(eq(countries.id, id)).get()
    : undefined;
  if (!found) throw new AppError(400, "BAD_COUNTRY", `There is no country with id ${ref}.`);
};

/** Stars a service or a country; starring it again changes nothing. */
export const addFavourite = async (db: Db, userId: string, kind: FavouriteKind, ref: string) => {
  await assertKnown(db, kind, ref);
  // Count and insert in one statement, so two tabs starring at once cannot pass the bound together.
  const inserted = await db.run(sql`
    INSERT INTO favourites (user_id, kind, ref, created_at)
    SELECT ${userId}, ${kind}, ${ref}, ${now()}
    WHERE (SELECT COUNT(*) FROM favourites WHERE user_id = ${userId} AND kind = ${kind}) < ${MAX_PER_KIND}
    ON CONFLICT (user_id, kind, ref) DO NOTHING`);
  if (inserted.meta.changes === 0) {
    const exists = await db
      .select({ ref: favourites.ref })
      .from(favourites)
      .where(and(eq(favourites.userId, userId), eq(favourites.kind, kind), eq(favourites.ref, ref)))
      .get();
    if (!exists) {
      throw new AppError(
        409,
        "TOO_MANY_FAVOURITES",
        `At most ${MAX_PER_KIND} starred ${kind === "service" ? "services" : "countries"}.`,
      );
    }
  }
  return listFavourites(db, userId);
};

export const removeFavourite = async (db: Db, userId: string, kind: FavouriteKind, ref: string) => {
  await db
    .delete(favourites)
    .where(and(eq(favourites.userId, userId), eq(favourites.kind, kind), eq(favourites.ref, ref)));
  return listFavourites(db, userId);
};
