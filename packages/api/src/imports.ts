// Bulk import and export as CSV: the files' columns and limits, the import's query, its plan (a dry run)
// and its jobs' per-row results.
import { z } from "zod";
import { errorCodes, pbxAnswerSchema } from "./errors.ts";

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
export const importKindSchema = z.enum(importKinds, { error: "Kind must be agents or queues" });
export type ImportKind = (typeof importKinds)[number];

export const importParamsSchema = z.object({ kind: importKindSchema });
export const importJobParamsSchema = z.object({ jobId: z.uuid({ error: "Job id is not valid" }) });

const queryFlag = z
  .enum(["true", "false", "1", "0"], { error: "must be true or false" })
  .transform((value) => value === "true" || value === "1")
  .default(false);

/** Query of POST /api/import/agents and /api/import/queues (the body is the CSV, sent as text/csv). */
export const importQuerySchema = z.object({
  /** Answer the plan (200) instead of starting the import (202). */
  dryRun: queryFlag.meta({ description: "Answer the plan (200) instead of starting the import (202)." }),
  /** Agents only: also release memberships the file does not list (default: add only). */
  sync: queryFlag.meta({
    description: "Agents only: also release memberships the file does not list (default: add only).",
  }),
  /** Apply the valid rows of a file that has error rows (default: refuse the whole file with 400). */
  skipErrors: queryFlag.meta({
    description: "Apply the valid rows of a file that has error rows (default: refuse the whole file).",
  }),
});
export type ImportQuery = z.infer<typeof importQuerySchema>;

/** "adopt" is only ever a result: the PBX's "exists" answer is the only way to learn it (no read API). */
export const importPlanKinds = ["create", "adopt", "update", "unchanged", "error"] as const;
export type ImportPlanKind = (typeof importPlanKinds)[number];

/** One field the row sets: CSV column names; passwords are never echoed (from and to are null). */
export const importChangeSchema = z.object({
  field: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
});
export type ImportChange = z.infer<typeof importChangeSchema>;

/** What a row of the file is, and what its plan changes: the start of a plan row and of a result row. */
const rowFields = {
  /** Line in the file where the row starts (the header is line 1). */
  line: z.number().int(),
  id: z.string(),
  /** The trimmed name from the file (null when missing or invalid). */
  name: z.string().nullable(),
  /** A result row: the plan the row ran with (an existing agent whose password verified may end "unchanged"). */
  plan: z.enum(importPlanKinds),
  changes: z.array(importChangeSchema),
};

export const importPlanRowSchema = z
  .object({
    ...rowFields,
    /** Every problem of an error row, one sentence, naming the columns; null otherwise. */
    error: z.string().nullable(),
    /** The same problems by column (e.g. `{agent_name: "Name must be 1 to 64 characters"}`); {} otherwise. */
    fields: z.record(z.string(), z.string()),
  })
  .meta({ id: "ImportPlanRow" });
export type ImportPlanRow = z.infer<typeof importPlanRowSchema>;

const count = z.number().int().nonnegative();

/** How many rows of the file plan each kind. */
export const importPlanSummarySchema = z.object({
  total: count,
  create: count,
  adopt: count,
  update: count,
  unchanged: count,
  error: count,
}) satisfies z.ZodType<Record<"total" | ImportPlanKind, number>>;
export type ImportPlanSummary = z.infer<typeof importPlanSummarySchema>;

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

export const importResultRowSchema = z
  .object({
    ...rowFields,
    result: z.enum(importResultKinds),
    /** Why it failed or was skipped: the console's error message. */
    error: z.string().nullable(),
    /** The console's error code for a failed row (e.g. PBX_REFUSED, CONFLICT, PBX_TIMEOUT). */
    code: z.enum(errorCodes).nullable(),
    /** The PBX's own answer for a row it refused. */
    pbx: pbxAnswerSchema.nullable(),
    /** PBX calls this row made. */
    calls: z.number().int(),
  })
  .meta({ id: "ImportResultRow" });
export type ImportResultRow = z.infer<typeof importResultRowSchema>;

export const importJobProgressSchema = z
  .object({
    jobId: z.string(),
    kind: importKindSchema,
    /** `interrupted`: the console instance running it stopped; the rows that ran are recorded, run the file again. */
    status: z.enum(["running", "done", "cancelled", "failed", "interrupted"]),
    total: count,
    done: count,
    failed: count,
  })
  .meta({ id: "ImportJobProgress" });
export type ImportJobProgress = z.infer<typeof importJobProgressSchema>;

const importJobFields = {
  ...importJobProgressSchema.shape,
  by: z.string(),
  sync: z.boolean(),
  skipErrors: z.boolean(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** DELETE was received: no new row starts; rows in flight finish, then the status becomes cancelled. */
  cancelRequested: z.boolean(),
  counts: z.object({
    pending: count,
    running: count,
    done: count,
    adopted: count,
    unchanged: count,
    failed: count,
    skipped: count,
  }) satisfies z.ZodType<Record<ImportResultKind, number>>,
};

/** A job as GET /api/import/jobs lists it: everything but the rows. */
export const importJobSummarySchema = z.object(importJobFields).meta({ id: "ImportJobSummary" });
export type ImportJobSummary = z.infer<typeof importJobSummarySchema>;

/**
 * GET /api/import/jobs/:jobId. `done` counts rows finished (failed included), `total` the rows to run.
 * `status` ends "done" (every row ran), "cancelled" (DELETE: the rows not started are skipped) or
 * "failed" (the job stopped after 8 rows in a row got no answer from the PBX; the rest are skipped).
 */
export const importJobSchema = z
  .object({ ...importJobFields, rows: z.array(importResultRowSchema) })
  .meta({ id: "ImportJob" });
export type ImportJob = z.infer<typeof importJobSchema>;
