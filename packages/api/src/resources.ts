// What the console keeps and shows: agents, queues, users, the PBX's health and the audit log. Each schema
// with an `id` in its meta is one named schema of the OpenAPI document (components.schemas).
import { z } from "zod";
import { agentStatusSchema, consoleRoleSchema, languageSchema, roleSchema } from "./values.ts";

export const agentSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    outQueueId: z.string(),
    queueIds: z.array(z.string()),
    status: agentStatusSchema,
    extension: z.string().nullable(),
    statusSince: z.string(),
    statusBy: z.string().nullable(),
    pauseReason: z.string().nullable(),
    /** False while the PBX's answer to the last change is unknown (timeout): shown as unconfirmed. */
    confirmed: z.boolean().meta({
      description: "False while the PBX's answer to the last change is unknown (timeout): unconfirmed.",
    }),
  })
  .meta({ id: "Agent", description: "An agent as the registry holds it." });
export type Agent = z.infer<typeof agentSchema>;

export const queueSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    agentIds: z.array(z.string()),
  })
  .meta({ id: "Queue", description: "A queue (campaign) and the agents assigned to it." });
export type Queue = z.infer<typeof queueSchema>;

export const sessionUserSchema = z
  .object({
    username: z.string(),
    role: roleSchema,
    agentId: z.string().optional(),
    /** The language this person chose, kept on the server; null until they choose one. */
    language: languageSchema.nullable().optional().meta({
      description: "The language this person chose, kept on the server; null until they choose one.",
    }),
  })
  .meta({ id: "SessionUser", description: "Who is signed in: agents sign in with their agent id." });
export type SessionUser = z.infer<typeof sessionUserSchema>;

export const consoleUserSchema = z
  .object({
    username: z.string(),
    role: consoleRoleSchema,
    disabled: z.boolean(),
  })
  .meta({ id: "ConsoleUser", description: "A console user (admin or supervisor)." });
export type ConsoleUser = z.infer<typeof consoleUserSchema>;

export const pbxHealthSchema = z
  .object({
    mode: z.enum(["embedded", "remote"]),
    /** null until the first PBX call has been made. */
    reachable: z.boolean().nullable().meta({ description: "null until the first PBX call has been made." }),
    lastOkAt: z.string().nullable(),
    lastError: z.string().nullable(),
    /** The PBX answers, but its last answer took longer than the console's threshold (1 s): degraded. */
    slow: z.boolean().optional().meta({
      description: "The PBX answers, but its last answer took longer than the console's threshold (1 s).",
    }),
  })
  .meta({ id: "PbxHealth", description: "The PBX's health as the console sees it." });
export type PbxHealth = z.infer<typeof pbxHealthSchema>;

export const healthSchema = z
  .object({
    status: z.enum(["ok", "degraded"]),
    instance: z.string().meta({
      description:
        "The console instance that answered (several may share one database behind a load balancer).",
    }),
    pbx: pbxHealthSchema,
  })
  .meta({ id: "Health" });
export type Health = z.infer<typeof healthSchema>;

export const auditOutcomes = ["ok", "converged", "refused", "failed", "unknown"] as const;
export const auditEntrySchema = z
  .object({
    id: z.number(),
    at: z.string(),
    actor: z.string(),
    action: z.string(),
    agentId: z.string().nullable(),
    queueId: z.string().nullable(),
    params: z.record(z.string(), z.string()),
    pbx: z.object({ code: z.number(), message: z.string() }).nullable(),
    outcome: z.enum(auditOutcomes),
    detail: z.string().nullable(),
  })
  .meta({ id: "AuditEntry", description: "Who did what to whom, when, and what the PBX answered." });
export type AuditEntry = z.infer<typeof auditEntrySchema>;

// ---------------------------------------------------------------- state history and reports

export const historyCauses = ["person", "agent", "import", "settle", "correction"] as const;
export type HistoryCause = (typeof historyCauses)[number];

/**
 * One state interval. `to` is null for the current one. `fromLate`/`toLate`: the console learned that
 * boundary after the fact (a PBX answer revealed the real state, or a settle found out what an unknown
 * outcome did), so the change happened at or before that time. `by`: what caused it, and who.
 */
export const historyIntervalSchema = z
  .object({
    status: agentStatusSchema,
    extension: z.string().nullable(),
    reason: z.string().nullable(),
    from: z.string(),
    to: z.string().nullable().meta({ description: "Null for the current interval." }),
    confirmed: z.boolean(),
    fromLate: z.boolean().meta({ description: "The console learned of this start after the fact." }),
    toLate: z.boolean().meta({ description: "The console learned of this end after the fact." }),
    by: z.object({ cause: z.enum(historyCauses), actor: z.string().nullable() }),
  })
  .meta({ id: "HistoryInterval", description: "One interval of an agent's state history." });
export type HistoryInterval = z.infer<typeof historyIntervalSchema>;

export const pauseTotalSchema = z
  .object({
    reason: z.string().nullable(),
    count: z.number(),
    seconds: z.number(),
    longestSeconds: z.number(),
  })
  .meta({ id: "PauseTotal", description: "An agent's pauses with one reason over a report's days." });

export const agentTimeSchema = z
  .object({
    agentId: z.string(),
    name: z.string(),
    loggedInSeconds: z.number(),
    onlineSeconds: z.number(),
    pausedSeconds: z.number(),
    missionSeconds: z.number(),
    /** Of the time above, how much the PBX had not confirmed. */
    unconfirmedSeconds: z
      .number()
      .meta({ description: "Of the time above, how much the PBX had not confirmed." }),
    pauses: z.array(pauseTotalSchema),
    firstLoginAt: z.string().nullable(),
    lastLogoffAt: z.string().nullable(),
  })
  .meta({ id: "AgentTime", description: "One agent's time per state over a report's days." });
export type AgentTime = z.infer<typeof agentTimeSchema>;

export const agentDaySchema = z
  .object({
    agentId: z.string(),
    date: z.string(),
    loggedInSeconds: z.number(),
    onlineSeconds: z.number(),
    pausedSeconds: z.number(),
    missionSeconds: z.number(),
    unconfirmedSeconds: z.number(),
  })
  .meta({
    id: "AgentDay",
    description:
      "One agent's time per state on one day of a report (each figure rounded to seconds on its own).",
  });
export type AgentDay = z.infer<typeof agentDaySchema>;
