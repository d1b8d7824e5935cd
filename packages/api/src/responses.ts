// What the server answers on success, one schema per answer. Every schema here has an `id`: the OpenAPI
// document names it, and a route's response is a reference to it.
import { z } from "zod";
import {
  importJobSchema,
  importJobSummarySchema,
  importKindSchema,
  importPlanRowSchema,
  importPlanSummarySchema,
} from "./imports.ts";
import {
  agentSchema,
  agentDaySchema,
  agentTimeSchema,
  auditEntrySchema,
  consoleUserSchema,
  historyIntervalSchema,
  queueSchema,
  sessionUserSchema,
} from "./resources.ts";

export const agentsResponseSchema = z.object({ agents: z.array(agentSchema) }).meta({ id: "AgentsResponse" });
export type AgentsResponse = z.infer<typeof agentsResponseSchema>;

export const agentResponseSchema = z.object({ agent: agentSchema }).meta({ id: "AgentResponse" });
export type AgentResponse = z.infer<typeof agentResponseSchema>;

/** Agent ids the PBX will never accept again (deleted agents stay inactive on the PBX). */
export const retiredAgentIdsResponseSchema = z.object({ agentIds: z.array(z.string()) }).meta({
  id: "RetiredAgentIdsResponse",
  description: "Ids of deleted agents: the PBX never accepts them again.",
});
export type RetiredAgentIdsResponse = z.infer<typeof retiredAgentIdsResponseSchema>;

export const queuesResponseSchema = z.object({ queues: z.array(queueSchema) }).meta({ id: "QueuesResponse" });
export type QueuesResponse = z.infer<typeof queuesResponseSchema>;

export const queueResponseSchema = z.object({ queue: queueSchema }).meta({ id: "QueueResponse" });
export type QueueResponse = z.infer<typeof queueResponseSchema>;

/** PUT /api/queues/:queueId/agents/:agentId: the membership that now holds. */
export const membershipResponseSchema = z
  .object({ queueId: z.string(), agentId: z.string() })
  .meta({ id: "MembershipResponse" });
export type MembershipResponse = z.infer<typeof membershipResponseSchema>;

export const sessionResponseSchema = z
  .object({
    user: sessionUserSchema,
    timeZone: z.string().meta({
      description:
        "The call centre's time zone (TIME_ZONE, an IANA name): the console shows every time in it.",
    }),
  })
  .meta({ id: "SessionResponse" });
export type SessionResponse = z.infer<typeof sessionResponseSchema>;

export const usersResponseSchema = z
  .object({ users: z.array(consoleUserSchema) })
  .meta({ id: "UsersResponse" });
export type UsersResponse = z.infer<typeof usersResponseSchema>;

export const userResponseSchema = z.object({ user: consoleUserSchema }).meta({ id: "UserResponse" });
export type UserResponse = z.infer<typeof userResponseSchema>;

export const auditResponseSchema = z
  .object({
    entries: z.array(auditEntrySchema),
    nextBefore: z
      .number()
      .nullable()
      .meta({ description: "Pass as `before` for the next (older) page; null on the last page." }),
  })
  .meta({ id: "AuditResponse" });
export type AuditResponse = z.infer<typeof auditResponseSchema>;

/** GET /api/agents/:id/history: the intervals that overlap the range, oldest first. */
export const historyResponseSchema = z.object({ intervals: z.array(historyIntervalSchema) }).meta({
  id: "HistoryResponse",
  description: "The agent's state intervals that overlap the range, oldest first.",
});
export type HistoryResponse = z.infer<typeof historyResponseSchema>;

/** GET /api/reports/agent-time: each agent's time per state over days cut in the time zone. */
export const agentTimeResponseSchema = z
  .object({
    /** The range's first and last instant (exclusive), the days' midnights in `timeZone`. */
    from: z.string(),
    to: z.string(),
    timeZone: z.string(),
    /** Each day of the range and its length: 23 or 25 hours on a daylight-saving day. */
    days: z.array(z.object({ date: z.string(), hours: z.number() })),
    /** History older than `oldestKept` is pruned; `startsBeforeRetention` when the range reaches before it. */
    retention: z.object({ days: z.number(), oldestKept: z.string(), startsBeforeRetention: z.boolean() }),
    agents: z.array(agentTimeSchema),
    /** Each agent's totals per day of the range, by agent then day; days with no history are left out. */
    agentDays: z.array(agentDaySchema),
  })
  .meta({
    id: "AgentTimeResponse",
    description:
      "From and to are the first day's midnight and the midnight after the last day in timeZone; each " +
      "day's length is 23 or 25 hours on a daylight-saving day; history older than retention.oldestKept " +
      "is pruned.",
  });
export type AgentTimeResponse = z.infer<typeof agentTimeResponseSchema>;

export const pauseReasonsResponseSchema = z
  .object({ reasons: z.array(z.string()) })
  .meta({ id: "PauseReasonsResponse", description: "The pause reasons offered (the PBX keeps none)." });
export type PauseReasonsResponse = z.infer<typeof pauseReasonsResponseSchema>;

/** 200 answer of a dry run. */
export const importPlanResponseSchema = z
  .object({
    kind: importKindSchema,
    sync: z.boolean(),
    rows: z.array(importPlanRowSchema),
    summary: importPlanSummarySchema,
  })
  .meta({ id: "ImportPlanResponse", description: "A dry run's plan: nothing was sent to the PBX." });
export type ImportPlanResponse = z.infer<typeof importPlanResponseSchema>;

/** 202 answer of an import that started. */
export const importStartResponseSchema = z.object({ jobId: z.string() }).meta({
  id: "ImportStartResponse",
  description: "The import started; follow it at /api/import/jobs/{jobId}.",
});
export type ImportStartResponse = z.infer<typeof importStartResponseSchema>;

export const importJobResponseSchema = z.object({ job: importJobSchema }).meta({ id: "ImportJobResponse" });
export type ImportJobResponse = z.infer<typeof importJobResponseSchema>;

/** GET /api/import/jobs: the jobs kept in memory (the last 20 finished and any running), newest first. */
export const importJobsResponseSchema = z.object({ jobs: z.array(importJobSummarySchema) }).meta({
  id: "ImportJobsResponse",
  description: "The last 20 finished jobs and any running, newest first.",
});
export type ImportJobsResponse = z.infer<typeof importJobsResponseSchema>;

/** GET /api/openapi.json: this document (an OpenAPI 3.1 object). */
export const openApiDocumentSchema = z
  .object({ openapi: z.string() })
  .loose()
  .meta({ id: "OpenApiDocument", description: "This document: OpenAPI 3.1." });
