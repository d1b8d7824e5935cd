// The import_jobs table: jobs readable and cancellable from any instance. One import runs at a time across
// every instance: a running job holds `running_slot` = 1 under a unique index, so a second insert fails.
// The instance running a job saves its progress a few times a second; a job whose instance died is marked
// interrupted by the living (instance.ts).
import type { ImportJob } from "@crystal-console/api";
import type { Kysely } from "kysely";
import { liveInstanceIds } from "./instances.ts";
import type { Database, ImportJobsTable } from "./schema.ts";

type Db = Kysely<Database>;

const KEEP_FINISHED = 20;

/** The job as stored, with the row's columns (status, finish, cancel) over the saved JSON. */
function toJob(row: Pick<ImportJobsTable, "job" | "status" | "finished_at" | "cancel_requested">): ImportJob {
  const job = JSON.parse(row.job) as ImportJob;
  return {
    ...job,
    status: row.status,
    finishedAt: row.finished_at,
    cancelRequested: row.cancel_requested === 1,
  };
}

/** Inserts a running job; false when another job is running (on any instance). */
export async function insertRunningJob(db: Db, job: ImportJob, instanceId: string): Promise<boolean> {
  const result = await db
    .insertInto("import_jobs")
    .values({
      id: job.jobId,
      kind: job.kind,
      status: "running",
      running_slot: 1,
      instance_id: instanceId,
      by_user: job.by,
      started_at: job.startedAt,
      finished_at: null,
      cancel_requested: 0,
      job: JSON.stringify(job),
      updated_at: Date.now(),
    })
    .onConflict((oc) => oc.column("running_slot").doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function runningJobId(db: Db): Promise<string | undefined> {
  const row = await db
    .selectFrom("import_jobs")
    .select("id")
    .where("running_slot", "=", 1)
    .executeTakeFirst();
  return row?.id;
}

/** Saves a running job's progress; returns whether a cancel was asked for (from any instance). */
export async function saveRunningJob(db: Db, job: ImportJob): Promise<boolean> {
  await db
    .updateTable("import_jobs")
    .set({ job: JSON.stringify(job), updated_at: Date.now() })
    .where("id", "=", job.jobId)
    .where("status", "=", "running")
    .execute();
  const row = await db
    .selectFrom("import_jobs")
    .select("cancel_requested")
    .where("id", "=", job.jobId)
    .executeTakeFirst();
  return row?.cancel_requested === 1;
}

export async function finishJob(db: Db, job: ImportJob): Promise<void> {
  await db
    .updateTable("import_jobs")
    .set({
      job: JSON.stringify(job),
      status: job.status,
      running_slot: null,
      finished_at: job.finishedAt,
      updated_at: Date.now(),
    })
    .where("id", "=", job.jobId)
    .where("status", "=", "running")
    .execute();
  const finished = await db
    .selectFrom("import_jobs")
    .select("id")
    .where("status", "!=", "running")
    .orderBy("started_at", "desc")
    .offset(KEEP_FINISHED)
    .limit(1000)
    .execute();
  if (finished.length > 0)
    await db
      .deleteFrom("import_jobs")
      .where(
        "id",
        "in",
        finished.map((row) => row.id),
      )
      .execute();
}

export async function requestCancel(db: Db, jobId: string): Promise<void> {
  await db
    .updateTable("import_jobs")
    .set({ cancel_requested: 1 })
    .where("id", "=", jobId)
    .where("status", "=", "running")
    .execute();
}

export async function findJob(db: Db, jobId: string): Promise<ImportJob | undefined> {
  const row = await db
    .selectFrom("import_jobs")
    .select(["job", "status", "finished_at", "cancel_requested"])
    .where("id", "=", jobId)
    .executeTakeFirst();
  return row ? toJob(row) : undefined;
}

/** The jobs, newest first. */
export async function listJobs(db: Db): Promise<ImportJob[]> {
  const rows = await db
    .selectFrom("import_jobs")
    .select(["job", "status", "finished_at", "cancel_requested"])
    .orderBy("started_at", "desc")
    .limit(KEEP_FINISHED + 1)
    .execute();
  return rows.map(toJob);
}

/** Running jobs whose instance died: interrupted (the rows that ran are committed; running the file again converges). */
export async function interruptOrphanedJobs(db: Db, now: number): Promise<void> {
  await db
    .updateTable("import_jobs")
    .set({ status: "interrupted", running_slot: null, finished_at: new Date(now).toISOString() })
    .where("status", "=", "running")
    .where("instance_id", "not in", liveInstanceIds(db, now))
    .execute();
}
