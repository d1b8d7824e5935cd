// Issue 12's contract: the alert rules (policy), the alerts the server computes, and bulk state changes.
import { z } from "zod";
import { apiErrorSchema } from "./errors.ts";
import { pauseReasonSchema } from "./requests.ts";
import { agentSchema } from "./resources.ts";
import { agentIdSchema, queueIdSchema } from "./values.ts";

/** Longest pause limit: a day. */
export const PAUSE_LIMIT_MAX_SECONDS = 86_400;
/** Largest queue minimum. */
export const QUEUE_MINIMUM_MAX = 10_000;

const wholeNumber = (what: string, max: number) =>
  z
    .number({ error: `${what} must be a number` })
    .int({ error: `${what} must be a whole number` })
    .min(1, { error: `${what} must be at least 1` })
    .max(max, { error: `${what} must be at most ${max}` });

/**
 * PUT /api/policy: a limit in seconds per pause reason (a pause longer than it is overdue), one for a pause
 * that names no reason, and a minimum of online agents per queue (fewer is understaffed). A reason or queue
 * not listed, or no `noReasonLimitSeconds`, has no rule.
 */
export const policySchema = z.object({
  pauseLimitSeconds: z.record(
    pauseReasonSchema.min(1, { error: "Reason is required" }),
    wholeNumber("A pause limit", PAUSE_LIMIT_MAX_SECONDS),
    { error: "pauseLimitSeconds must be an object of reason to seconds" },
  ),
  noReasonLimitSeconds: wholeNumber(
    "The limit of a pause without a reason",
    PAUSE_LIMIT_MAX_SECONDS,
  ).optional(),
  queueMinimumOnline: z.record(queueIdSchema, wholeNumber("A queue minimum", QUEUE_MINIMUM_MAX), {
    error: "queueMinimumOnline must be an object of queue id to a number of agents",
  }),
});
export type Policy = z.infer<typeof policySchema>;
export type PolicyResponse = z.infer<typeof policyResponseSchema>;

/**
 * An alert the server computed. `since` is when the alert started: for a pause, the moment it passed its
 * limit (the pause began `limitSeconds` before); for a queue, when its online agents fell below the minimum.
 */
export const alertSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("pause_overdue"),
    agentId: z.string(),
    /** The pause's reason; null for a pause without one (its limit is `noReasonLimitSeconds`). */
    reason: z.string().nullable(),
    since: z.string(),
    limitSeconds: z.number(),
  }),
  z.object({
    kind: z.literal("queue_understaffed"),
    queueId: z.string(),
    online: z.number(),
    minimum: z.number(),
    since: z.string(),
  }),
]);
export type Alert = z.infer<typeof alertSchema>;
export type AlertsResponse = z.infer<typeof alertsResponseSchema>;
/** An alert event: it started, its numbers changed while it lasts (online, limit), or it ended. */
export const alertStates = ["started", "updated", "ended"] as const;
export type AlertState = (typeof alertStates)[number];
/** One key per alert: an agent has at most one overdue pause, a queue one shortage. */
export const alertKey = (alert: Alert) =>
  alert.kind === "pause_overdue" ? `pause_overdue:${alert.agentId}` : `queue_understaffed:${alert.queueId}`;

export const policyResponseSchema = z.object({ policy: policySchema }).meta({ id: "PolicyResponse" });
export const alertsResponseSchema = z.object({ alerts: z.array(alertSchema) }).meta({ id: "AlertsResponse" });

// ---------------------------------------------------------------- bulk state changes

/** Most agents one bulk state change takes. */
export const BULK_STATE_MAX_AGENTS = 2000;

/**
 * POST /api/agents/state: the same change for many agents (not login, whose extensions differ). Each agent
 * goes through the one write path on its own; the answer says what happened to each.
 */
export const bulkStateRequestSchema = z.object({
  agentIds: z
    .array(agentIdSchema, { error: "agentIds must be a list of agent ids" })
    .min(1, { error: "Give at least one agent id" })
    .max(BULK_STATE_MAX_AGENTS, { error: `At most ${BULK_STATE_MAX_AGENTS} agents at once` }),
  action: z.enum(["logoff", "pause", "online", "mission"], {
    error: "Action must be one of logoff, pause, online, mission (login takes one extension per agent)",
  }),
  reason: pauseReasonSchema.optional(),
});
export type BulkStateRequest = z.infer<typeof bulkStateRequestSchema>;

export const bulkOutcomes = ["ok", "converged", "refused", "failed", "unknown"] as const;
export type BulkOutcome = (typeof bulkOutcomes)[number];
/** One agent's result: its state as committed (ok, converged, and refusals that corrected it), or the error. */
export const bulkStateResultSchema = z.object({
  agentId: z.string(),
  outcome: z.enum(bulkOutcomes),
  agent: agentSchema.optional(),
  error: apiErrorSchema.shape.error.optional(),
});
export type BulkStateResult = z.infer<typeof bulkStateResultSchema>;
export const bulkStateResponseSchema = z
  .object({ results: z.array(bulkStateResultSchema) })
  .meta({ id: "BulkStateResponse" });
export type BulkStateResponse = z.infer<typeof bulkStateResponseSchema>;
