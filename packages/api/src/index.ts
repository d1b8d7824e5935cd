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

/**
 * The id of an agent or queue being created: no leading zero, since a PBX that keeps ids as numbers reads
 * 04010 as 4010. Ids already in the registry keep working everywhere else (agentIdSchema, queueIdSchema).
 */
export const newIdSchema = (what: string) =>
  idSchema(what).refine((value) => !value.startsWith("0"), {
    error: `${what} must not start with 0 (a PBX that keeps ids as numbers reads 04010 as 4010)`,
  });

export const newAgentIdSchema = newIdSchema("Agent id");
export const newQueueIdSchema = newIdSchema("Queue id");

/** Unicode format characters: bidi controls (U+202E turns text around), zero-width joiners, marks. */
const FORMAT_CHARACTER = /\p{Cf}/u;

const codePointOf = (text: string) => `U+${text.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;

export const nameSchema = z
  .string({ error: "Name is required" })
  .trim()
  .refine(isPbxName, { error: `Name must be 1 to ${NAME_MAX} characters` })
  .refine((value) => !/\p{Cc}/u.test(value), { error: "Name must not contain control characters" })
  .refine((value) => !FORMAT_CHARACTER.test(value), {
    error: (issue) => {
      const found = FORMAT_CHARACTER.exec(String(issue.input))?.[0] ?? "";
      return `Name must not contain invisible format characters such as bidi controls (it has ${codePointOf(found)})`;
    },
  });

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

/**
 * A language a person may choose: a lowercase ISO 639 code. Which languages the console speaks is the SPA's
 * catalogs (apps/web/src/i18n/catalogs, one file each), so that a new language is one file and no code; the
 * SPA shows English for a stored language it has no catalog for.
 */
export const languageSchema = z
  .string({ error: "Language must be a language code such as en or he" })
  .regex(/^[a-z]{2,3}$/, { error: "Language must be a language code such as en or he" });
export type Language = z.infer<typeof languageSchema>;
export const isLanguage = (value: unknown): value is Language => languageSchema.safeParse(value).success;

export const sessionUserSchema = z.object({
  username: z.string(),
  role: roleSchema,
  agentId: z.string().optional(),
  /** The language this person chose, kept on the server; null until they choose one. */
  language: languageSchema.nullable().optional(),
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
  /** The PBX answers, but its last answer took longer than the console's threshold (1 s): degraded. */
  slow: z.boolean().optional(),
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

export const auditQuerySchema = z.object({
  actor: z.string().trim().max(64).optional(),
  agentId: agentIdSchema.optional(),
  queueId: queueIdSchema.optional(),
  action: z.string().trim().max(64).optional(),
  outcome: z.enum(auditOutcomes).optional(),
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

export type ApiError = {
  error: {
    code: ErrorCode;
    message: string;
    fields?: Record<string, string>;
    /** The reason code of each field in `fields` that has one. */
    reasons?: Record<string, FieldReason>;
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
/**
 * Sent on /api/events instead of the events a stream missed when they are more than the server replays:
 * `data` is `{"type":"resync"}` and `id` the newest event it stands for. The client refetches what it shows.
 */
export const RESYNC_EVENT = "resync";

export type ImportJobProgress = {
  jobId: string;
  kind: "agents" | "queues";
  /** `interrupted`: the console instance running it stopped; the rows that ran are recorded, run the file again. */
  status: "running" | "done" | "cancelled" | "failed" | "interrupted";
  total: number;
  done: number;
  failed: number;
};

// ---------------------------------------------------------------- bulk import and export (CSV)

/** The agents CSV's columns, in export order (import reads the header, so any order works). */
export const agentCsvColumns = ["agent_id", "agent_name", "agent_pass", "agent_out_q", "queues"] as const;
export type AgentCsvColumn = (typeof agentCsvColumns)[number];
/** The queues CSV's columns. */
export const queueCsvColumns = ["queue_id", "queue_name"] as const;
export type QueueCsvColumn = (typeof queueCsvColumns)[number];
/** Separator of the queue ids in the agents CSV's `queues` column. */
export const CSV_QUEUE_SEPARATOR = ";";
/** Largest CSV body an import accepts (413 above it). */
export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;
/** Most data rows one file may have. */
export const IMPORT_MAX_ROWS = 20_000;

export const importKinds = ["agents", "queues"] as const;
export type ImportKind = (typeof importKinds)[number];

const queryFlag = z
  .enum(["true", "false", "1", "0"], { error: "must be true or false" })
  .transform((value) => value === "true" || value === "1")
  .default(false);

/** Query of POST /api/import/agents and /api/import/queues (the body is the CSV, sent as text/csv). */
export const importQuerySchema = z.object({
  /** Answer the plan (200) instead of starting the import (202). */
  dryRun: queryFlag,
  /** Agents only: also release memberships the file does not list (default: add only). */
  sync: queryFlag,
  /** Apply the valid rows of a file that has error rows (default: refuse the whole file with 400). */
  skipErrors: queryFlag,
});
export type ImportQuery = z.infer<typeof importQuerySchema>;

/** "adopt" is only ever a result: the PBX's "exists" answer is the only way to learn it (no read API). */
export const importPlanKinds = ["create", "adopt", "update", "unchanged", "error"] as const;
export type ImportPlanKind = (typeof importPlanKinds)[number];

/** One field the row sets: CSV column names; passwords are never echoed (from and to are null). */
export type ImportChange = { field: string; from: string | null; to: string | null };

export type ImportPlanRow = {
  /** Line in the file where the row starts (the header is line 1). */
  line: number;
  id: string;
  /** The trimmed name from the file (null when missing or invalid). */
  name: string | null;
  plan: ImportPlanKind;
  changes: ImportChange[];
  /** Every problem of an error row, one sentence, naming the columns; null otherwise. */
  error: string | null;
  /** The same problems by column (e.g. `{agent_name: "Name must be 1 to 64 characters"}`); {} otherwise. */
  fields: Record<string, string>;
};

export type ImportPlanSummary = Record<"total" | ImportPlanKind, number>;

/** 200 answer of a dry run. */
export type ImportPlanResponse = {
  kind: ImportKind;
  sync: boolean;
  rows: ImportPlanRow[];
  summary: ImportPlanSummary;
};

/** 202 answer of an import that started. */
export type ImportStartResponse = { jobId: string };

/**
 * A row's result: pending and running while the job runs; done, adopted (the PBX already had it) and
 * unchanged ran; failed ran and was refused; skipped never ran (cancelled, or an error row with skipErrors).
 */
export const importResultKinds = [
  "pending",
  "running",
  "done",
  "adopted",
  "unchanged",
  "failed",
  "skipped",
] as const;
export type ImportResultKind = (typeof importResultKinds)[number];

export type ImportResultRow = {
  line: number;
  id: string;
  name: string | null;
  /** The plan the row ran with (an existing agent whose password verified may end "unchanged"). */
  plan: ImportPlanKind;
  changes: ImportChange[];
  result: ImportResultKind;
  /** Why it failed or was skipped: the console's error message. */
  error: string | null;
  /** The console's error code for a failed row (e.g. PBX_REFUSED, CONFLICT, PBX_TIMEOUT). */
  code: ErrorCode | null;
  /** The PBX's own answer for a row it refused. */
  pbx: { code: number; message: string } | null;
  /** PBX calls this row made. */
  calls: number;
};

/**
 * GET /api/import/jobs/:jobId. `done` counts rows finished (failed included), `total` the rows to run.
 * `status` ends "done" (every row ran), "cancelled" (DELETE: the rows not started are skipped) or
 * "failed" (the job stopped after 8 rows in a row got no answer from the PBX; the rest are skipped).
 */
export type ImportJob = ImportJobProgress & {
  by: string;
  sync: boolean;
  skipErrors: boolean;
  startedAt: string;
  finishedAt: string | null;
  /** DELETE was received: no new row starts; rows in flight finish, then the status becomes cancelled. */
  cancelRequested: boolean;
  counts: Record<ImportResultKind, number>;
  rows: ImportResultRow[];
};

export type ImportJobResponse = { job: ImportJob };
/** GET /api/import/jobs: the jobs kept in memory (the last 20 finished and any running), newest first. */
export type ImportJobsResponse = { jobs: Omit<ImportJob, "rows">[] };
