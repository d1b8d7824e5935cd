// The console's HTTP contract, shared by the server and the SPA: zod schemas and their types for every
// request, response, event and error (design.md, "The BFF's HTTP contract").
import { z } from "zod";
import { ID_PATTERN, NAME_MAX, PASSWORD_MAX, isPbxName, isPbxPassword } from "@crystal-console/crystal/rules";

// ---------------------------------------------------------------- values

export const idSchema = (what: string) =>
  z.string({ error: `${what} is required` }).regex(ID_PATTERN, { error: `${what} must be 1 to 10 digits` });

export const agentIdSchema = idSchema("Agent id");
export const queueIdSchema = idSchema("Queue id");
export const extensionSchema = idSchema("Extension");

export const nameSchema = z
  .string({ error: "Name is required" })
  .trim()
  .refine(isPbxName, { error: `Name must be 1 to ${NAME_MAX} characters` })
  .refine((value) => !/\p{Cc}/u.test(value), { error: "Name must not contain control characters" });

export const agentPasswordSchema = z
  .string({ error: "Password is required" })
  .refine(isPbxPassword, { error: `Password must be 1 to ${PASSWORD_MAX} characters without spaces` });

export const USER_PASSWORD_MIN = 12;
export const userPasswordSchema = z
  .string({ error: "Password is required" })
  .min(USER_PASSWORD_MIN, { error: `Password must be at least ${USER_PASSWORD_MIN} characters` })
  .max(256, { error: "Password must be at most 256 characters" });

export const usernameSchema = z
  .string({ error: "Username is required" })
  .trim()
  .regex(/^[a-z0-9][a-z0-9._-]{0,31}$/i, {
    error: "Username must be 1 to 32 letters, digits, dots, dashes or underscores",
  })
  .refine((value) => !ID_PATTERN.test(value), {
    error: "Username must not be all digits (those are agent ids)",
  });

// ---------------------------------------------------------------- resources

export const agentStatuses = ["logged_off", "online", "paused", "mission"] as const;
export const agentStatusSchema = z.enum(agentStatuses);
export type AgentStatus = z.infer<typeof agentStatusSchema>;

export const agentSchema = z.object({
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
  confirmed: z.boolean(),
});
export type Agent = z.infer<typeof agentSchema>;

export const queueSchema = z.object({
  id: z.string(),
  name: z.string(),
  agentIds: z.array(z.string()),
});
export type Queue = z.infer<typeof queueSchema>;

export const roles = ["admin", "supervisor", "agent"] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

export const consoleRoleSchema = z.enum(["admin", "supervisor"], {
  error: "Role must be admin or supervisor",
});

export const sessionUserSchema = z.object({
  username: z.string(),
  role: roleSchema,
  agentId: z.string().optional(),
});
export type SessionUser = z.infer<typeof sessionUserSchema>;

export const consoleUserSchema = z.object({
  username: z.string(),
  role: consoleRoleSchema,
  disabled: z.boolean(),
});
export type ConsoleUser = z.infer<typeof consoleUserSchema>;

export const pbxHealthSchema = z.object({
  mode: z.enum(["embedded", "remote"]),
  /** null until the first PBX call has been made. */
  reachable: z.boolean().nullable(),
  lastOkAt: z.string().nullable(),
  lastError: z.string().nullable(),
});
export type PbxHealth = z.infer<typeof pbxHealthSchema>;

export const healthSchema = z.object({
  status: z.enum(["ok", "degraded"]),
  pbx: pbxHealthSchema,
});
export type Health = z.infer<typeof healthSchema>;

export const auditOutcomes = ["ok", "converged", "refused", "failed", "unknown"] as const;
export const auditEntrySchema = z.object({
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
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

// ---------------------------------------------------------------- requests

export const loginRequestSchema = z.object({
  username: z.string({ error: "Username or agent id is required" }).trim().min(1).max(64),
  password: z.string({ error: "Password is required" }).min(1).max(256),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const createAgentRequestSchema = z.object({
  id: agentIdSchema,
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

export const createQueueRequestSchema = z.object({ id: queueIdSchema, name: nameSchema });
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

export const auditQuerySchema = z.object({
  actor: z.string().trim().max(64).optional(),
  agentId: agentIdSchema.optional(),
  queueId: queueIdSchema.optional(),
  action: z.string().trim().max(64).optional(),
  from: z.iso.datetime({ offset: true, error: "From must be an ISO date-time" }).optional(),
  to: z.iso.datetime({ offset: true, error: "To must be an ISO date-time" }).optional(),
  /** Entries with an id below this one (paging backwards from the newest). */
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

// ---------------------------------------------------------------- responses

export type AgentsResponse = { agents: Agent[] };
export type AgentResponse = { agent: Agent };
export type QueuesResponse = { queues: Queue[] };
export type QueueResponse = { queue: Queue };
export type SessionResponse = { user: SessionUser };
export type UsersResponse = { users: ConsoleUser[] };
export type UserResponse = { user: ConsoleUser };
export type AuditResponse = { entries: AuditEntry[]; nextBefore: number | null };
export type PauseReasonsResponse = { reasons: string[] };
/** Agent ids the PBX will never accept again (deleted agents stay inactive on the PBX). */
export type RetiredAgentIdsResponse = { agentIds: string[] };

// ---------------------------------------------------------------- errors

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
  "INTERNAL",
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export type ApiError = {
  error: {
    code: ErrorCode;
    message: string;
    fields?: Record<string, string>;
    pbx?: { code: number; message: string };
  };
};

// ---------------------------------------------------------------- live events

export const CSRF_HEADER = "X-Requested-With";
export const CSRF_VALUE = "crystal-console";

/** One committed change, as sent on /api/events (SSE `event:` is the type, `data:` the JSON). */
export type ConsoleEvent =
  | { type: "agent"; agent: Agent }
  | { type: "agentDeleted"; agentId: string }
  | { type: "queue"; queue: Queue }
  | { type: "queueDeleted"; queueId: string }
  | { type: "health"; pbx: PbxHealth }
  | { type: "import"; job: ImportJobProgress };

export const consoleEventTypes = [
  "agent",
  "agentDeleted",
  "queue",
  "queueDeleted",
  "health",
  "import",
] as const;
export type ConsoleEventType = ConsoleEvent["type"];

export type ImportJobProgress = {
  jobId: string;
  kind: "agents" | "queues";
  status: "running" | "done" | "cancelled" | "failed";
  total: number;
  done: number;
  failed: number;
};
