// What a client sends: JSON bodies, path parameters and queries, validated by the server before anything
// else happens (400 VALIDATION naming each field and the reason).
import { z } from "zod";
import { auditOutcomes } from "./resources.ts";
import {
  agentIdSchema,
  agentPasswordSchema,
  consoleRoleSchema,
  extensionSchema,
  languageSchema,
  nameSchema,
  newAgentIdSchema,
  newQueueIdSchema,
  queueIdSchema,
  userPasswordSchema,
  usernameSchema,
} from "./values.ts";

// ---------------------------------------------------------------- path parameters

export const agentParamsSchema = z.object({ id: agentIdSchema });
export const queueParamsSchema = z.object({ queueId: queueIdSchema });
export const membershipParamsSchema = z.object({ queueId: queueIdSchema, agentId: agentIdSchema });
export const userParamsSchema = z.object({ username: usernameSchema });

// ---------------------------------------------------------------- bodies

export const loginRequestSchema = z.object({
  username: z
    .string({ error: "Username or agent id is required" })
    .trim()
    .min(1, { error: "Username or agent id is required" })
    .max(64, { error: "Username or agent id must be at most 64 characters" }),
  password: z
    .string({ error: "Password is required" })
    .min(1, { error: "Password is required" })
    .max(256, { error: "Password must be at most 256 characters" }),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

/** PUT /api/session/language: the signed-in person's language, remembered for every browser. */
export const languageRequestSchema = z.object({ language: languageSchema });
export type LanguageRequest = z.infer<typeof languageRequestSchema>;

export const createAgentRequestSchema = z.object({
  id: newAgentIdSchema,
  name: nameSchema,
  password: agentPasswordSchema,
  outQueueId: queueIdSchema,
});
export type CreateAgentRequest = z.infer<typeof createAgentRequestSchema>;

export const updateAgentRequestSchema = z
  .object({
    name: nameSchema.optional(),
    password: agentPasswordSchema.optional(),
    outQueueId: queueIdSchema.optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), {
    error: "Give at least one of name, password, outQueueId",
  });
export type UpdateAgentRequest = z.infer<typeof updateAgentRequestSchema>;

export const pauseReasonSchema = z.string().trim().max(64, { error: "Reason must be at most 64 characters" });

export const agentStateRequestSchema = z.discriminatedUnion(
  "action",
  [
    z.object({ action: z.literal("login"), extension: extensionSchema }),
    z.object({ action: z.literal("logoff") }),
    z.object({ action: z.literal("pause"), reason: pauseReasonSchema.optional() }),
    z.object({ action: z.literal("online") }),
    z.object({ action: z.literal("mission") }),
  ],
  { error: "Action must be one of login, logoff, pause, online, mission" },
);
export type AgentStateRequest = z.infer<typeof agentStateRequestSchema>;
export type AgentStateAction = AgentStateRequest["action"];

export const createQueueRequestSchema = z.object({ id: newQueueIdSchema, name: nameSchema });
export type CreateQueueRequest = z.infer<typeof createQueueRequestSchema>;

export const updateQueueRequestSchema = z.object({ name: nameSchema });
export type UpdateQueueRequest = z.infer<typeof updateQueueRequestSchema>;

export const createUserRequestSchema = z.object({
  username: usernameSchema,
  role: consoleRoleSchema,
  password: userPasswordSchema,
});
export type CreateUserRequest = z.infer<typeof createUserRequestSchema>;

export const updateUserRequestSchema = z
  .object({
    role: consoleRoleSchema.optional(),
    password: userPasswordSchema.optional(),
    disabled: z.boolean({ error: "Disabled must be true or false" }).optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), {
    error: "Give at least one of role, password, disabled",
  });
export type UpdateUserRequest = z.infer<typeof updateUserRequestSchema>;

// ---------------------------------------------------------------- queries

export const auditQuerySchema = z.object({
  actor: z.string().trim().max(64).optional(),
  agentId: agentIdSchema.optional(),
  queueId: queueIdSchema.optional(),
  action: z.string().trim().max(64).optional(),
  outcome: z.enum(auditOutcomes).optional(),
  from: z.iso.datetime({ offset: true, error: "From must be an ISO date-time" }).optional(),
  to: z.iso.datetime({ offset: true, error: "To must be an ISO date-time" }).optional(),
  /** Entries with an id below this one (paging backwards from the newest). */
  before: z.coerce
    .number<number>()
    .int()
    .positive()
    .optional()
    .meta({ description: "Entries with an id below this one (paging backwards from the newest)." }),
  limit: z.coerce.number<number>().int().min(1).max(500).default(100),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

// ---------------------------------------------------------------- state history and reports

/** The longest range a history or report request may span. */
export const HISTORY_MAX_DAYS = 366;
const DAY_MS = 86_400_000;

/** A range's `to` must come after its start, and the range span at most HISTORY_MAX_DAYS. */
function checkSpan(ctx: z.RefinementCtx, spanMs: number, beforeStart: string): void {
  if (spanMs <= 0) ctx.addIssue({ code: "custom", path: ["to"], message: beforeStart });
  else if (spanMs > HISTORY_MAX_DAYS * DAY_MS) {
    ctx.addIssue({
      code: "custom",
      path: ["to"],
      message: `The range may span at most ${HISTORY_MAX_DAYS} days`,
    });
  }
}

export const historyQuerySchema = z
  .object({
    from: z.iso.datetime({ offset: true, error: "From must be an ISO date-time" }),
    to: z.iso.datetime({ offset: true, error: "To must be an ISO date-time" }),
  })
  .superRefine((query, ctx) =>
    checkSpan(ctx, Date.parse(query.to) - Date.parse(query.from), "To must be after From"),
  );
export type HistoryQuery = z.infer<typeof historyQuerySchema>;

const dateSchema = (what: string) => z.iso.date({ error: `${what} must be a date (YYYY-MM-DD)` });

const agentTimeFields = z.object({
  from: dateSchema("From"),
  to: dateSchema("To"),
  queueId: queueIdSchema.optional(),
});
// Both days included: a one-day report spans a day.
const checkDays = (query: { from: string; to: string }, ctx: z.RefinementCtx) =>
  checkSpan(ctx, Date.parse(query.to) - Date.parse(query.from) + DAY_MS, "To must not be before From");

/** A report's days, both included, cut in the call centre's time zone (TIME_ZONE). */
export const agentTimeQuerySchema = agentTimeFields.superRefine(checkDays);
export type AgentTimeQuery = z.infer<typeof agentTimeQuerySchema>;

/** The report as CSV: one row per agent (the default), or per agent and day (`by=day`). */
export const agentTimeCsvQuerySchema = agentTimeFields
  .extend({
    by: z
      .enum(["agent", "day"], { error: "By must be agent or day" })
      .optional()
      .meta({ description: "agent (the default): one row per agent; day: one row per agent and day" }),
  })
  .superRefine(checkDays);
export type AgentTimeCsvQuery = z.infer<typeof agentTimeCsvQuerySchema>;

export const eventsQuerySchema = z.object({
  lastEventId: z.string().optional().meta({
    description: "The same as the Last-Event-ID header, for clients that reconnect by hand.",
  }),
});
