// Import jobs: a plan applied against the PBX through the same "ensure" services as single edits (PBX
// first, registry after, every call audited, events published), `importConcurrency` rows at a time; within
// a row the calls are sequential (create or edit, then assigns, then releases). Each service call commits
// on its own, so an interrupted import leaves no row half-recorded, and running the file again finishes it.
//
// Jobs live in the registry (registry/imports.ts): one runs at a time across every instance (the database
// refuses a second), and any instance reads, reports and cancels it. The instance running a job keeps it in
// memory and saves it a few times a second, when it also publishes an `import` progress event and reads
// whether a cancel was asked for; a job whose instance died is shown as interrupted (instance.ts).
import { randomUUID } from "node:crypto";
import { availableParallelism } from "node:os";
import type {
  ImportJob,
  ImportJobProgress,
  ImportKind,
  ImportResultKind,
  ImportResultRow,
} from "@crystal-console/api";
import { importResultKinds } from "@crystal-console/api";
import { createAgent, updateAgent } from "../agents/service.ts";
import { hashPassword } from "../auth/passwords.ts";
import type { ConsoleDeps } from "../deps.ts";
import { HttpError, notFound } from "../http/errors.ts";
import { type WriteOutcome, valueOf } from "../pbx/writes.ts";
import { assignAgent, createQueue, releaseAgent, updateQueue } from "../queues/service.ts";
import {
  finishJob,
  findJob,
  insertRunningJob,
  listJobs,
  requestCancel,
  runningJobId,
  saveRunningJob,
} from "../registry/imports.ts";
import { type Limiter, createLimiter } from "./limit.ts";
import { type PlannedRow, settlePassword } from "./plan.ts";

const PROGRESS_INTERVAL_MS = 250;
const CANCELLED = "Not run: the import was cancelled before this row started";
/** Rows in a row that got no answer from the PBX (unreachable, timeout, HTTP error) before the job stops. */
const PBX_DOWN_ROWS_TO_STOP = 8;
const PBX_DOWN_CODES = new Set(["PBX_UNREACHABLE", "PBX_TIMEOUT", "PBX_BAD_ANSWER"]);

type JobState = {
  job: ImportJob;
  planned: PlannedRow[];
  /** Consecutive finished rows that failed because the PBX could not be reached or did not answer. */
  pbxDownStreak: number;
  /** Why the job stopped sending before its last row, when it was not a cancel. */
  stoppedBecause: string | null;
  progressTimer: NodeJS.Timeout | null;
  lastProgressAt: number;
};

/** What one row's PBX calls revealed. */
type RowCalls = { count: number; adopted: boolean };

/** Reads one service outcome for the row: counts its calls, notes an adoption, throws a refusal's error. */
function tally<T>(calls: RowCalls, outcome: WriteOutcome<T>): T {
  calls.count += outcome.calls;
  if (outcome.kind === "adopted") calls.adopted = true;
  return valueOf(outcome);
}

export function createImportJobs(deps: ConsoleDeps) {
  const jobs = new Map<string, JobState>();
  // scrypt at N=2^17 takes 128 MB and a core for ~0.5 s: more at once than cores only costs memory.
  const hashLimit: Limiter = createLimiter(
    Math.max(1, Math.min(deps.config.importConcurrency, availableParallelism())),
  );

  async function start(
    kind: ImportKind,
    actor: string,
    planned: PlannedRow[],
    options: { sync: boolean; skipErrors: boolean },
  ): Promise<ImportJob> {
    const rows: ImportResultRow[] = planned.map(({ row }) => ({
      line: row.line,
      id: row.id,
      name: row.name,
      plan: row.plan,
      changes: row.changes,
      result: row.plan === "error" ? "skipped" : "pending",
      error: row.plan === "error" ? `Not run: ${row.error ?? "the row has errors"}` : null,
      code: null,
      pbx: null,
      calls: 0,
    }));
    const job: ImportJob = {
      jobId: randomUUID(),
      kind,
      status: "running",
      total: rows.filter((row) => row.result === "pending").length,
      done: 0,
      failed: 0,
      by: actor,
      sync: options.sync,
      skipErrors: options.skipErrors,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      cancelRequested: false,
      counts: countResults(rows),
      rows,
    };
    const state: JobState = {
      job,
      planned,
      pbxDownStreak: 0,
      stoppedBecause: null,
      progressTimer: null,
      lastProgressAt: 0,
    };
    if (!(await insertRunningJob(deps.db, job, deps.instanceId))) {
      const running = await runningJobId(deps.db);
      throw new HttpError(
        409,
        "CONFLICT",
        `An import is already running (job ${running ?? "on another console"}). Wait for it to finish or cancel it.`,
      );
    }
    jobs.set(job.jobId, state);
    publishProgress(state);
    run(state).catch((error: unknown) => {
      deps.log.error({ err: error, jobId: job.jobId }, "import job failed");
      void finish(state, "failed");
    });
    return job;
  }

  async function run(state: JobState): Promise<void> {
    const { job } = state;
    const stop = () => {
      job.cancelRequested = true;
    };
    deps.closing.addEventListener("abort", stop, { once: true });
    if (deps.closing.aborted) stop();
    try {
      const queue = job.rows.flatMap((row, index) => (row.result === "pending" ? [index] : []));
      // Password work (a hash for a new agent, a verify for an existing one) runs a few rows ahead of the
      // PBX calls, so a row's calls do not wait for its scrypt: at N=2^17 hashing and PBX calls overlap.
      const prepared = new Map<number, Promise<string | null>>();
      const lookahead = 2 * deps.config.importConcurrency;
      let next = 0;
      const worker = async () => {
        while (!job.cancelRequested && state.stoppedBecause === null) {
          const index = queue[next++];
          if (index === undefined) return;
          for (const ahead of queue.slice(next - 1, next - 1 + lookahead)) {
            if (!prepared.has(ahead)) prepared.set(ahead, preparePasswords(rowAt(state.planned, ahead)));
          }
          const secret = prepared.get(index) ?? preparePasswords(rowAt(state.planned, index));
          prepared.delete(index);
          await runRow(state, index, secret);
        }
      };
      const workers = Math.max(1, Math.min(deps.config.importConcurrency, queue.length));
      await Promise.all(Array.from({ length: workers }, worker));
    } finally {
      deps.closing.removeEventListener("abort", stop);
    }
    // A PBX that is down would fail every remaining row, one timeout each: stop and say why instead.
    const reason = state.stoppedBecause ?? CANCELLED;
    let notRun = false;
    for (const row of job.rows) {
      if (row.result !== "pending") continue;
      row.result = "skipped";
      row.error = reason;
      notRun = true;
    }
    await finish(state, !notRun ? "done" : state.stoppedBecause === null ? "cancelled" : "failed");
  }

  /** Resolves to the password hash of a new agent; settles an existing agent's password (see plan.ts). */
  function preparePasswords(planned: PlannedRow): Promise<string | null> {
    const op = planned.op;
    const work =
      op?.kind === "createAgent"
        ? hashLimit(() => hashPassword(op.agent.password, deps.scryptLogN))
        : op?.kind === "updateAgent" && op.verify
          ? settlePassword(planned, hashLimit).then(() => null)
          : Promise.resolve(null);
    // Awaited when the row runs; a row that never runs (cancel) must not leave an unhandled rejection.
    work.catch(() => undefined);
    return work;
  }

  async function runRow(state: JobState, index: number, secret: Promise<string | null>): Promise<void> {
    const { job } = state;
    const planned = rowAt(state.planned, index);
    const row = rowAt(job.rows, index);
    row.result = "running";
    const calls: RowCalls = { count: 0, adopted: false };
    try {
      row.result = await applyRow(planned, job.by, calls, await secret);
    } catch (error) {
      row.result = "failed";
      if (error instanceof HttpError) {
        row.error = error.message;
        row.code = error.code;
        row.pbx = error.details.pbx ?? null;
      } else {
        deps.log.error({ err: error, jobId: job.jobId, line: row.line }, "import row failed");
        row.error = "Something went wrong on the server.";
        row.code = "INTERNAL";
      }
    }
    // A verified password may have turned an update into unchanged.
    row.plan = planned.row.plan;
    row.changes = planned.row.changes;
    row.calls = calls.count;
    job.done += 1;
    if (row.result === "failed") job.failed += 1;
    state.pbxDownStreak = row.code !== null && PBX_DOWN_CODES.has(row.code) ? state.pbxDownStreak + 1 : 0;
    if (state.pbxDownStreak >= PBX_DOWN_ROWS_TO_STOP && state.stoppedBecause === null) {
      state.stoppedBecause = `Not run: the import stopped after ${PBX_DOWN_ROWS_TO_STOP} rows in a row got no answer from the PBX`;
    }
    scheduleProgress(state);
  }

  async function applyRow(
    planned: PlannedRow,
    actor: string,
    calls: RowCalls,
    passwordHash: string | null,
  ): Promise<ImportResultKind> {
    // A verified password may have turned an update into unchanged (preparePasswords).
    const op = planned.op;
    if (!op) return "unchanged";
    switch (op.kind) {
      case "createAgent": {
        tally(
          calls,
          await createAgent(deps, actor, op.agent, {
            knownHash: passwordHash ?? undefined,
            imported: true,
          }),
        );
        for (const queueId of op.assign) tally(calls, await assignAgent(deps, actor, queueId, op.agent.id));
        return calls.adopted ? "adopted" : "done";
      }
      case "updateAgent": {
        if (Object.keys(op.edit).length > 0) tally(calls, await updateAgent(deps, actor, op.id, op.edit));
        for (const queueId of op.assign) tally(calls, await assignAgent(deps, actor, queueId, op.id));
        for (const queueId of op.release) tally(calls, await releaseAgent(deps, actor, queueId, op.id));
        return "done";
      }
      case "createQueue":
        tally(calls, await createQueue(deps, actor, op.queue));
        return calls.adopted ? "adopted" : "done";
      case "updateQueue":
        tally(calls, await updateQueue(deps, actor, op.id, { name: op.name }));
        return "done";
    }
  }

  async function finish(state: JobState, status: ImportJob["status"]): Promise<void> {
    const { job } = state;
    if (job.status !== "running") return;
    job.status = status;
    job.finishedAt = new Date().toISOString();
    // The plan holds the file's passwords in clear: keep nothing of it once the job is over.
    state.planned = [];
    job.counts = countResults(job.rows);
    if (state.progressTimer) clearTimeout(state.progressTimer);
    state.progressTimer = null;
    try {
      await finishJob(deps.db, job);
    } catch (error) {
      deps.log.error({ err: error, jobId: job.jobId }, "could not record the end of an import");
    }
    // Read from the registry from now on, where it is recorded finished.
    jobs.delete(job.jobId);
    publishProgress(state, false);
  }

  function scheduleProgress(state: JobState): void {
    if (state.progressTimer) return;
    const wait = Math.max(0, state.lastProgressAt + PROGRESS_INTERVAL_MS - Date.now());
    state.progressTimer = setTimeout(() => {
      state.progressTimer = null;
      publishProgress(state);
    }, wait);
    state.progressTimer.unref();
  }

  /** Saves a running job (reading back whether a cancel was asked for) and publishes its progress. */
  function publishProgress(state: JobState, save = true): void {
    state.lastProgressAt = Date.now();
    state.job.counts = countResults(state.job.rows);
    // After shutdown began the registry may be closing, and no live stream is left to tell.
    if (deps.closing.aborted) return;
    void (async () => {
      if (save && state.job.status === "running" && (await saveRunningJob(deps.db, state.job))) {
        state.job.cancelRequested = true;
      }
      await deps.bus.publish([{ type: "import", job: progressOf(state.job) }]);
    })().catch((error: unknown) => deps.log.warn({ err: String(error) }, "import progress"));
  }

  /** The job from this instance's memory while it runs it here, else from the registry. */
  async function require(jobId: string): Promise<ImportJob> {
    const local = jobs.get(jobId);
    if (local) {
      local.job.counts = countResults(local.job.rows);
      return local.job;
    }
    const stored = await findJob(deps.db, jobId);
    if (!stored) throw notFound(`Import job ${jobId}`);
    return { ...stored, counts: countResults(stored.rows) };
  }

  return {
    hashLimit,
    start,
    get: require,
    async list(): Promise<Omit<ImportJob, "rows">[]> {
      return (await listJobs(deps.db)).map((stored) => {
        const job = jobs.get(stored.jobId)?.job ?? stored;
        const { rows, ...rest } = job;
        return { ...rest, counts: countResults(rows) };
      });
    },
    /** Stops new rows from starting (on whichever instance runs it); rows in flight finish. */
    async cancel(jobId: string): Promise<ImportJob> {
      const job = await require(jobId);
      if (job.status === "running" && !job.cancelRequested) {
        await requestCancel(deps.db, jobId);
        const local = jobs.get(jobId);
        if (local) {
          local.job.cancelRequested = true;
          publishProgress(local);
        }
        return { ...job, cancelRequested: true };
      }
      return job;
    },
  };
}

export function progressOf(job: ImportJob): ImportJobProgress {
  const { jobId, kind, status, total, done, failed } = job;
  return { jobId, kind, status, total, done, failed };
}

function countResults(rows: ImportResultRow[]): Record<ImportResultKind, number> {
  const counts = Object.fromEntries(importResultKinds.map((kind) => [kind, 0])) as Record<
    ImportResultKind,
    number
  >;
  for (const row of rows) counts[row.result] += 1;
  return counts;
}

/** A row by the job's own index, which is always in range. */
function rowAt<T>(rows: T[], index: number): T {
  const row = rows[index];
  if (row === undefined) throw new Error(`Import job has no row ${index}.`);
  return row;
}
