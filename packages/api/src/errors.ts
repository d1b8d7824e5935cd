// The one error shape every route answers with, its codes, and the HTTP status of each code.
import { z } from "zod";

export const errorCodes = [
  "VALIDATION",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "CSRF",
  "NOT_FOUND",
  "CONFLICT",
  "RATE_LIMITED",
  "PBX_REFUSED",
  "PBX_BAD_ANSWER",
  "PBX_UNREACHABLE",
  "PBX_TIMEOUT",
  "PAYLOAD_TOO_LARGE",
  /** Another change to the same agent or membership was still waiting for the PBX (design.md rule 8). */
  "BUSY",
  "INTERNAL",
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/**
 * Why a field was refused, as a stable code beside the English sentence in `fields` (the SPA shows the
 * reason in the person's language from it): the value breaks the field's rule (`invalid`), is missing,
 * too short or too long, or the server knows better (taken, a deleted agent's id, no such queue...).
 */
export const fieldReasons = [
  "invalid",
  "required",
  "too_short",
  "too_long",
  "taken",
  "retired",
  "unknown_queue",
  "unlisted_reason",
] as const;
export type FieldReason = (typeof fieldReasons)[number];

/** The status each code is answered with (design.md, "The BFF's HTTP contract"). */
export const errorStatus = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CSRF: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  PBX_REFUSED: 502,
  PBX_BAD_ANSWER: 502,
  PBX_UNREACHABLE: 503,
  BUSY: 503,
  PBX_TIMEOUT: 504,
} as const satisfies Record<ErrorCode, number>;

/** What the PBX answered, verbatim: its own code and message. */
export const pbxAnswerSchema = z.object({ code: z.number(), message: z.string() });

/** One problem of one row of an imported CSV file: its line (the header is line 1) and column. */
export const rowErrorSchema = z
  .object({ line: z.number().int(), column: z.string(), message: z.string() })
  .meta({ id: "RowError", description: "One problem of one row of a CSV file (the header is line 1)." });
export type RowError = z.infer<typeof rowErrorSchema>;

export const apiErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(errorCodes),
      message: z.string().meta({ description: "A sentence for a person, in English." }),
      fields: z
        .record(z.string(), z.string())
        .optional()
        .meta({ description: "VALIDATION: each refused field (dotted path) and the reason." }),
      reasons: z
        .record(z.string(), z.enum(fieldReasons))
        .optional()
        .meta({ description: "VALIDATION: the reason code of each field in `fields` that has one." }),
      rows: z
        .array(rowErrorSchema)
        .optional()
        .meta({ description: "VALIDATION of a CSV import: every problem of every error row." }),
      pbx: pbxAnswerSchema.optional().meta({ description: "The PBX's own answer, when it refused." }),
    }),
  })
  .meta({ id: "Error", description: "Every error the console answers, whatever the route." });
export type ApiError = z.infer<typeof apiErrorSchema>;
