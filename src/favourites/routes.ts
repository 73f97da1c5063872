// /api/v1/me/favourites: the starred services and countries of the signed-in account.
import { createRoute, z } from "@hono/zod-openapi";
import { requireUser } from "../accounts/auth";
import { createRouter, errorResponse, jsonContent } from "../lib/openapi";
import { addFavourite, listFavourites, removeFavourite } from "./favourites";

export const favouritesRoutes = createRouter();

const FavouritesSchema = z
  .object({
    services: z.array(z.string()).openapi({ example: ["tg", "wa"] }),
    countries: z.array(z.number().int()).openapi({ example: [16, 187] }),
  })
  .openapi("Favourites");

const Target = z.object({
  kind: z.enum(["service", "country"]).openapi({ example: "service" }),
  ref: z
    .string()
    .min(1)
    .max(10)
    .openapi({ example: "tg", description: "A service code, or a country's numeric id" }),
});

const unauthorised = errorResponse("Not signed in");

favouritesRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Favourites"],
    summary: "Your starred services and countries, oldest first",
    middleware: [requireUser] as const,
    responses: { 200: jsonContent(FavouritesSchema, "Your favourites"), 401: unauthorised },
  }),
  async (c) => c.json(await listFavourites(c.get("db"), c.get("user").id), 200),
);

favouritesRoutes.openapi(
  createRoute({
    method: "put",
    path: "/{kind}/{ref}",
    tags: ["Favourites"],
    summary: "Star a service or a country (again is harmless)",
    middleware: [requireUser] as const,
    request: { params: Target },
    responses: {
      200: jsonContent(FavouritesSchema, "Your favourites now"),
      400: errorResponse("BAD_SERVICE, BAD_COUNTRY or VALIDATION_FAILED"),
      401: unauthorised,
      409: errorResponse("TOO_MANY_FAVOURITES"),
    },
  }),
  async (c) => {
    const { kind, ref } = c.req.valid("param");
    return c.json(await addFavourite(c.get("db"), c.get("user").id, kind, ref), 200);
  },
);

favouritesRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{kind}/{ref}",
    tags: ["Favourites"],
    summary: "Unstar a service or a country",
    middleware: [requireUser] as const,
    request: { params: Target },
    responses: {
      200: jsonContent(FavouritesSchema, "Your favourites now"),
      400: errorResponse("VALIDATION_FAILED"),
      401: unauthorised,
    },
  }),
  async (c) => {
    const { kind, ref } = c.req.valid("param");
    return c.json(await removeFavourite(c.get("db"), c.get("user").id, kind, ref), 200);
  },
);
