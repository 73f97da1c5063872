// Every /api/v1 feature router is an OpenAPIHono: routes are declared once with zod schemas, which
// both validate requests and produce the OpenAPI document.
import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { errorBody } from "./errors";

export const validationDetails = (error: z.ZodError) =>
  error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));

export const createRouter = () =>
  new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        return c.json(
          errorBody(
            "VALIDATION_FAILED",
            "Some fields are missing or invalid.",
            validationDetails(result.error),
          ),
          400,
        );
      }
    },
  });

/** The error envelope as a schema, for documenting error responses. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "NO_BALANCE" }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi("Error");

export const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: ErrorSchema } },
});

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

/** A required JSON request body. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});

// Error responses most routes share, described once.
export const invalidInput = errorResponse(
  "VALIDATION_FAILED (field paths in details), BAD_REQUEST for malformed JSON",
);
export const notSignedIn = errorResponse("UNAUTHORIZED / BAD_KEY: no valid session cookie or API key");
export const rateLimited = errorResponse("RATE_LIMITED (see Retry-After)");
