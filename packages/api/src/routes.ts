// The contract table: every route of the console's HTTP API, declared once. The server registers its
// handlers from it (apps/server/src/http/contract.ts), the SPA's and the tests' client is typed by it
// (./client.ts), and the OpenAPI document is generated from it (./openapi.ts). To add a route, add an
// entry here and a handler under the same key on the server: the type-checker names what is missing.
import type { z } from "zod";
import { type ErrorCode, errorCodes } from "./errors.ts";
import { consoleEventSchema } from "./events.ts";
import { IMPORT_MAX_BYTES, importJobParamsSchema, importParamsSchema, importQuerySchema } from "./imports.ts";
import {
  agentParamsSchema,
  agentStateRequestSchema,
  agentTimeCsvQuerySchema,
  agentTimeQuerySchema,
  auditQuerySchema,
  createAgentRequestSchema,
  createQueueRequestSchema,
  createUserRequestSchema,
  eventsQuerySchema,
  historyQuerySchema,
  languageRequestSchema,
  loginRequestSchema,
  membershipParamsSchema,
  queueParamsSchema,
  updateAgentRequestSchema,
  updateQueueRequestSchema,
  updateUserRequestSchema,
  userParamsSchema,
} from "./requests.ts";
import {
  alertsResponseSchema,
  bulkStateRequestSchema,
  bulkStateResponseSchema,
  policyResponseSchema,
  policySchema,
} from "./alerts.ts";
import { healthSchema } from "./resources.ts";
import { TIMELINE_MAX_AGENTS, timelineQuerySchema, timelineResponseSchema } from "./timeline.ts";
import {
  agentResponseSchema,
  agentTimeResponseSchema,
  agentsResponseSchema,
  auditResponseSchema,
  importJobResponseSchema,
  importJobsResponseSchema,
  importPlanResponseSchema,
  historyResponseSchema,
  importStartResponseSchema,
  membershipResponseSchema,
  openApiDocumentSchema,
  pauseReasonsResponseSchema,
  queueResponseSchema,
  queuesResponseSchema,
  retiredAgentIdsResponseSchema,
  sessionResponseSchema,
  userResponseSchema,
  usersResponseSchema,
} from "./responses.ts";
import { type Role, roles } from "./values.ts";

/** A body that is not JSON: a CSV file, or the event stream. */
export type TextBody = {
  readonly contentType: "text/csv" | "text/event-stream";
  readonly description: string;
  /** The event stream: the schema of each event's data. */
  readonly items?: z.ZodType;
  /** The largest body the route takes (413 above it). */
  readonly maxBytes?: number;
};

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export type SuccessStatus = 200 | 201 | 202 | 204;

/** A file a client sends as it is (a browser's File or Blob): described by shape, the contract has no DOM. */
export type CsvFile = { readonly size: number; readonly type: string; arrayBuffer(): Promise<ArrayBuffer> };

export type RouteSpec = {
  readonly summary: string;
  readonly description?: string;
  /** Who may call it: "anyone" (no session needed), or the roles of a signed-in user. */
  readonly roles: "anyone" | readonly Role[];
  /** Agents may call it for themselves only: the path parameter that must be their own agent id. */
  readonly self?: string;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType | TextBody;
  /** The answer of each success status: a JSON schema, a text body, or null (204, no body). */
  readonly responses: { readonly [S in SuccessStatus]?: z.ZodType | TextBody | null };
  /** The error codes it may answer beyond those every route of its kind may (see `errorsOf`). */
  readonly errors?: readonly ErrorCode[];
};

/** Every signed-in role. */
const signedIn = roles;
const staff = ["admin", "supervisor"] as const satisfies Role[];
/** Everyone who watches the board: not an agent's own page. */
const watchers = ["admin", "supervisor", "viewer"] as const satisfies Role[];
/** Who may change an agent's state: not a viewer (an agent only its own: `self`). */
const actors = ["admin", "supervisor", "agent"] as const satisfies Role[];
const admin = ["admin"] as const satisfies Role[];

/**
 * What a PBX command can end in: a conflict with the PBX's state (it has the id, or no such queue...),
 * a refusal, an answer that makes no sense, no answer; or, before anything is sent, another change to the
 * same fact still waiting for the PBX (one write in flight per fact, design.md rule 8).
 */
const pbxErrors = [
  "CONFLICT",
  "PBX_REFUSED",
  "PBX_BAD_ANSWER",
  "PBX_UNREACHABLE",
  "PBX_TIMEOUT",
  "BUSY",
] as const;

const csv = (description: string, maxBytes?: number): TextBody => ({
  contentType: "text/csv",
  description,
  ...(maxBytes === undefined ? {} : { maxBytes }),
});

/**
 * The routes, under /api. Keys are "METHOD /path" with `:name` path parameters. Hono matches in this order,
 * so a fixed path comes before a parameterised one that would also match it (/agents/retired, /agents/:id).
 */
export const routes = {
  // ---------------------------------------------------------------- anyone
  "GET /health": {
    summary: "The console's and the PBX's health",
    description: "Degraded when the PBX is unreachable or slow. Judged from recent calls and a TCP probe.",
    roles: "anyone",
    responses: { 200: healthSchema },
  },
  "GET /openapi.json": {
    summary: "This document",
    roles: "anyone",
    responses: { 200: openApiDocumentSchema },
  },
  "POST /session": {
    summary: "Sign in",
    description:
      "Sets the session cookie (HttpOnly, SameSite=Strict; `__Host-` and Secure over HTTPS), ending any " +
      "session the browser had. Agents sign in with their agent id and agent password. Failed attempts " +
      "are throttled per account and per address.",
    roles: "anyone",
    body: loginRequestSchema,
    responses: { 200: sessionResponseSchema },
    errors: ["UNAUTHENTICATED", "RATE_LIMITED"],
  },
  "DELETE /session": {
    summary: "Sign out",
    description: "Ends the session and clears its cookie; without a session it answers 204 all the same.",
    roles: "anyone",
    responses: { 204: null },
  },

  // ---------------------------------------------------------------- signed in
  "GET /session": {
    summary: "Who is signed in",
    roles: signedIn,
    responses: { 200: sessionResponseSchema },
  },
  "PUT /session/language": {
    summary: "Choose the signed-in person's language",
    description:
      "Kept with the console user or the agent, so that it follows them to any browser; GET and POST " +
      "/session answer it. The server only stores it: its own messages stay English.",
    roles: signedIn,
    body: languageRequestSchema,
    responses: { 200: sessionResponseSchema },
  },
  "GET /pause-reasons": {
    summary: "The pause reasons offered",
    roles: signedIn,
    responses: { 200: pauseReasonsResponseSchema },
  },
  "GET /events": {
    summary: "Live events (Server-Sent Events)",
    description:
      "Every committed change as it happens, with ids; a client that reconnects with Last-Event-ID (or " +
      '?lastEventId=) gets what it missed, or one `resync` event (data `{"type":"resync"}`) when it ' +
      "missed more than the server replays: refetch. Agents receive only their own `agent` events and `health`. " +
      "The stream ends with the session; a session holds at most 8 streams at once (429 beyond).",
    roles: signedIn,
    query: eventsQuerySchema,
    responses: {
      200: {
        contentType: "text/event-stream",
        description: "One event per change",
        items: consoleEventSchema,
      },
    },
    errors: ["RATE_LIMITED"],
  },

  // ---------------------------------------------------------------- agents
  "GET /agents": {
    summary: "The agents",
    description: "An agent sees only itself.",
    roles: signedIn,
    responses: { 200: agentsResponseSchema },
  },
  "GET /agents/retired": {
    summary: "Ids of deleted agents, which the PBX never accepts again",
    roles: staff,
    responses: { 200: retiredAgentIdsResponseSchema },
  },
  "GET /agents/:id": {
    summary: "One agent",
    roles: signedIn,
    self: "id",
    params: agentParamsSchema,
    responses: { 200: agentResponseSchema },
    errors: ["NOT_FOUND"],
  },
  "POST /agents": {
    summary: "Create an agent (new_agent)",
    description: "An agent the PBX already has is adopted: its name, password and queue are set as given.",
    roles: admin,
    body: createAgentRequestSchema,
    responses: { 201: agentResponseSchema },
    errors: pbxErrors,
  },
  "PATCH /agents/:id": {
    summary: "Edit an agent (edit_agent)",
    roles: admin,
    params: agentParamsSchema,
    body: updateAgentRequestSchema,
    responses: { 200: agentResponseSchema },
    errors: ["NOT_FOUND", ...pbxErrors],
  },
  "DELETE /agents/:id": {
    summary: "Delete an agent (del_agent)",
    description: "Its id can never be used again: the PBX keeps deleted agents inactive.",
    roles: admin,
    params: agentParamsSchema,
    responses: { 204: null },
    errors: ["NOT_FOUND", ...pbxErrors],
  },
  "POST /agents/state": {
    summary: "Change many agents' state at once",
    description:
      "Log off, pause (with one of the configured reasons), online or mission for every agent listed (not " +
      "login: extensions differ). Each agent goes through the one write path on its own, a few at a time, " +
      "never resent; the answer has each agent's outcome, with the PBX's own answer for a refusal.",
    roles: staff,
    body: bulkStateRequestSchema,
    responses: { 200: bulkStateResponseSchema },
  },
  "POST /agents/:id/state": {
    summary: "Change an agent's state (agent_command)",
    description:
      "Log in at an extension, log off, pause (with one of the configured reasons), online, mission.",
    roles: actors,
    self: "id",
    params: agentParamsSchema,
    body: agentStateRequestSchema,
    responses: { 200: agentResponseSchema },
    errors: ["NOT_FOUND", ...pbxErrors],
  },
  "GET /agents/:id/history": {
    summary: "An agent's state history",
    description:
      "The state intervals that overlap `from`..`to` (at most 366 days), oldest first, each with its own " +
      "start and end (not cut to the range). History older than HISTORY_RETENTION_DAYS is pruned.",
    roles: actors,
    self: "id",
    params: agentParamsSchema,
    query: historyQuerySchema,
    responses: { 200: historyResponseSchema },
    errors: ["NOT_FOUND"],
  },

  // ---------------------------------------------------------------- queues
  "GET /queues": {
    summary: "The queues",
    roles: signedIn,
    responses: { 200: queuesResponseSchema },
  },
  "POST /queues": {
    summary: "Create a queue (new_queue)",
    roles: admin,
    body: createQueueRequestSchema,
    responses: { 201: queueResponseSchema },
    errors: pbxErrors,
  },
  "PATCH /queues/:queueId": {
    summary: "Rename a queue (edit_queue)",
    roles: admin,
    params: queueParamsSchema,
    body: updateQueueRequestSchema,
    responses: { 200: queueResponseSchema },
    errors: ["NOT_FOUND", ...pbxErrors],
  },
  "DELETE /queues/:queueId": {
    summary: "Delete a queue (del_queue)",
    description: "Its memberships go with it.",
    roles: admin,
    params: queueParamsSchema,
    responses: { 204: null },
    errors: ["NOT_FOUND", ...pbxErrors],
  },
  "PUT /queues/:queueId/agents/:agentId": {
    summary: "Assign an agent to a queue (assign_agent, idempotent)",
    roles: staff,
    params: membershipParamsSchema,
    responses: { 200: membershipResponseSchema },
    errors: ["NOT_FOUND", ...pbxErrors],
  },
  "DELETE /queues/:queueId/agents/:agentId": {
    summary: "Release an agent from a queue (release_agent, idempotent)",
    roles: staff,
    params: membershipParamsSchema,
    responses: { 204: null },
    errors: ["NOT_FOUND", ...pbxErrors],
  },

  // ---------------------------------------------------------------- audit and users
  "GET /alerts": {
    summary: "The alerts in force",
    description:
      "Pauses past their reason's limit and queues with fewer agents online than their minimum; each " +
      "start, change and end is also an `alert` event.",
    roles: watchers,
    responses: { 200: alertsResponseSchema },
  },
  "GET /policy": {
    summary: "The alert rules",
    roles: watchers,
    responses: { 200: policyResponseSchema },
  },
  "PUT /policy": {
    summary: "Set the alert rules (audited)",
    description:
      "Replaces the whole policy: a limit in seconds per pause reason, a minimum of online agents per queue.",
    roles: admin,
    body: policySchema,
    responses: { 200: policyResponseSchema },
  },
  "GET /audit": {
    summary: "The audit log, newest first",
    description:
      "Who did what to whom, when, and what the PBX answered. Pages go backwards by id (`before`).",
    roles: staff,
    query: auditQuerySchema,
    responses: { 200: auditResponseSchema },
  },
  "GET /reports/agent-time": {
    summary: "Each agent's time per state over days",
    description:
      "Days `from`..`to` (YYYY-MM-DD, both included, at most 366) cut at midnight in TIME_ZONE; a " +
      "daylight-saving day is 23 or 25 hours long. `queueId` keeps the agents of one queue.",
    roles: staff,
    query: agentTimeQuerySchema,
    responses: { 200: agentTimeResponseSchema },
  },
  "GET /reports/agent-time.csv": {
    summary: "The same report as CSV",
    description:
      "One row per agent; with `by=day`, one row per agent and day: " +
      "agent_id,date,logged_in_seconds,online_seconds,paused_seconds,mission_seconds,unconfirmed_seconds.",
    roles: staff,
    query: agentTimeCsvQuerySchema,
    responses: {
      200: csv(
        "agent_id,name,logged_in_seconds,online_seconds,paused_seconds,mission_seconds,unconfirmed_seconds," +
          "first_login_at,last_logoff_at, then pause_REASON_count, _seconds, _longest_seconds per pause reason",
      ),
    },
  },
  "GET /reports/timeline": {
    summary: "A day's timeline: each agent's states over one day",
    description:
      "The day `date` (YYYY-MM-DD) from midnight to midnight in TIME_ZONE; `queueId` keeps the agents of " +
      `one queue. At most ${TIMELINE_MAX_AGENTS} agents, the first by id; \`agentCount\` says how many there were.`,
    roles: staff,
    query: timelineQuerySchema,
    responses: { 200: timelineResponseSchema },
  },
  "GET /users": {
    summary: "Console users",
    roles: admin,
    responses: { 200: usersResponseSchema },
  },
  "POST /users": {
    summary: "Create a console user",
    roles: admin,
    body: createUserRequestSchema,
    responses: { 201: userResponseSchema },
    errors: ["CONFLICT"],
  },
  "PATCH /users/:username": {
    summary: "Change a console user's role, password or disabled flag",
    description: "Disabling a user ends its sessions; the last active admin stays an active admin.",
    roles: admin,
    params: userParamsSchema,
    body: updateUserRequestSchema,
    responses: { 200: userResponseSchema },
    errors: ["NOT_FOUND", "CONFLICT"],
  },
  "DELETE /users/:username": {
    summary: "Delete a console user",
    roles: admin,
    params: userParamsSchema,
    responses: { 204: null },
    errors: ["NOT_FOUND", "CONFLICT"],
  },

  // ---------------------------------------------------------------- bulk import and export
  "POST /import/:kind": {
    summary: "Plan (dryRun=true) or start a CSV import of agents or queues",
    description:
      "The body is the CSV file itself (text/csv). A dry run answers the plan and sends nothing to the PBX; " +
      "otherwise the import starts (202, Location: its job). A file with error rows is refused whole (400 " +
      "with `rows`: line, column, message) unless skipErrors=true. One import runs at a time (409).",
    roles: admin,
    params: importParamsSchema,
    query: importQuerySchema,
    body: csv(
      "agents: agent_id,agent_name,agent_pass,agent_out_q,queues; queues: queue_id,queue_name",
      IMPORT_MAX_BYTES,
    ),
    responses: { 200: importPlanResponseSchema, 202: importStartResponseSchema },
    errors: ["CONFLICT"],
  },
  "GET /import/jobs": {
    summary: "Import jobs (the last 20 finished and any running)",
    roles: admin,
    responses: { 200: importJobsResponseSchema },
  },
  "GET /import/jobs/:jobId": {
    summary: "An import job with its per-row results",
    roles: admin,
    params: importJobParamsSchema,
    responses: { 200: importJobResponseSchema },
    errors: ["NOT_FOUND"],
  },
  "GET /import/jobs/:jobId/report.csv": {
    summary: "An import job's per-row report as CSV",
    roles: admin,
    params: importJobParamsSchema,
    responses: { 200: csv("line,id,name,plan,result,changes,error,code,pbx_code,pbx_message,calls") },
    errors: ["NOT_FOUND"],
  },
  "DELETE /import/jobs/:jobId": {
    summary: "Cancel an import job",
    description: "No new row starts; rows in flight finish, then the job's status becomes cancelled.",
    roles: admin,
    params: importJobParamsSchema,
    responses: { 200: importJobResponseSchema },
    errors: ["NOT_FOUND"],
  },
  "GET /export/agents.csv": {
    summary: "The agents as CSV, in the import's format (never a password)",
    roles: admin,
    responses: { 200: csv("agent_id,agent_name,agent_pass,agent_out_q,queues") },
  },
  "GET /export/queues.csv": {
    summary: "The queues as CSV, in the import's format",
    roles: admin,
    responses: { 200: csv("queue_id,queue_name") },
  },
} as const satisfies Record<`${Method} /${string}`, RouteSpec>;

// ---------------------------------------------------------------- types derived from the table

export type Routes = typeof routes;
export type RouteKey = keyof Routes;

type Spec<K extends RouteKey> = Routes[K];
type Responses<K extends RouteKey> = Spec<K>["responses"];

type ParamsInput<S> = S extends { params: z.ZodType } ? { params: z.input<S["params"]> } : { params?: never };
type QueryInput<S> = S extends { query: z.ZodType } ? { query?: z.input<S["query"]> } : { query?: never };
type BodyInput<S> = S extends { body: z.ZodType }
  ? { body: z.input<S["body"]> }
  : S extends { body: TextBody }
    ? { body: CsvFile | string }
    : { body?: never };

/** What a client sends to a route: its path parameters, query and body, each where the route has one. */
export type RouteInput<K extends RouteKey> = ParamsInput<Spec<K>> & QueryInput<Spec<K>> & BodyInput<Spec<K>>;

/** What a route's handler reads once validated (after trimming, defaults and coercion). */
export type RouteParams<K extends RouteKey> =
  Spec<K> extends { params: z.ZodType } ? z.output<Spec<K>["params"]> : never;
export type RouteQuery<K extends RouteKey> =
  Spec<K> extends { query: z.ZodType } ? z.output<Spec<K>["query"]> : never;
export type RouteBody<K extends RouteKey> =
  Spec<K> extends { body: z.ZodType } ? z.output<Spec<K>["body"]> : never;

/** The success statuses a route answers. */
export type RouteStatus<K extends RouteKey> = keyof Responses<K> & SuccessStatus;

type AnswerOf<R> = R extends z.ZodType ? z.output<R> : R extends TextBody ? string : undefined;

/** The body a route answers with a status: JSON as its schema says, text (CSV, events), or none. */
export type RouteAnswerAt<K extends RouteKey, S extends RouteStatus<K>> = AnswerOf<Responses<K>[S]>;

/** The body of any success answer of a route. */
export type RouteAnswer<K extends RouteKey> = { [S in RouteStatus<K>]: RouteAnswerAt<K, S> }[RouteStatus<K>];

/** Routes answered with JSON (or nothing): the ones the SPA's client calls. */
export type JsonRouteKey = {
  [K in RouteKey]: Extract<Responses<K>[RouteStatus<K>], TextBody> extends never ? K : never;
}[RouteKey];

// ---------------------------------------------------------------- error codes

/**
 * Every error code a route may answer: those of its kind, then its own. Any route may fail (INTERNAL); a
 * route that needs a session answers 401 without one; one limited to some roles, or to an agent's own
 * id, answers 403 to others; a state-changing request needs the CSRF header and a body under the limit;
 * input is validated.
 */
export function errorsOf(key: RouteKey): ErrorCode[] {
  const spec: RouteSpec = routes[key];
  const implied = new Set<ErrorCode>(["INTERNAL"]);
  if (spec.roles !== "anyone") implied.add("UNAUTHENTICATED");
  if (spec.roles !== "anyone" && (spec.roles.length < roles.length || spec.self)) implied.add("FORBIDDEN");
  if (!key.startsWith("GET ")) {
    implied.add("CSRF");
    implied.add("PAYLOAD_TOO_LARGE");
  }
  if (spec.params || spec.query || spec.body) implied.add("VALIDATION");
  for (const code of spec.errors ?? []) implied.add(code);
  return errorCodes.filter((code) => implied.has(code));
}
