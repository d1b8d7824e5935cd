// Import jobs: a plan applied against the PBX through the same "ensure" services as single edits (PBX
// first, registry after, every call audited, events published), `importConcurrency` rows at a time; within
// a row the calls are sequential (create or edit, then assigns, then releases). Each service call commits
// on its own, so an interrupted import leaves no row half-recorded, and running the file again finishes it.
//
// Jobs live in memory: every running job and the last 20 finished ones. Progress goes out as `import`
// events on /api/events, a few per second at most, and is read in full from GET /api/import/jobs/:jobId.
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
import type { PbxClient } from "@crystal-console/crystal";
import { createAgent, updateAgent } from "../agents/service.ts";
import { hashPassword } from "../auth/passwords.ts";
import type { ConsoleDeps } from "../deps.ts";
import { HttpError, notFound } from "../http/errors.ts";
import { assignAgent, createQueue, releaseAgent, updateQueue } from "../queues/service.ts";
import { type Limiter, createLimiter } from "./limit.ts";
import { type PlannedRow, settlePassword } from "./plan.ts";

const KEEP_FINISHED = 20;
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

export function createImportJobs(deps: ConsoleDeps) {
  const jobs = new Map<string, JobState>();
  // scrypt at N=2^17 takes 128 MB and a core for ~0.5 s: more at once than cores only costs memory.
  const hashLimit: Limiter = createLimiter(
    Math.max(1, Math.min(deps.config.importConcurrency, availableParallelism())),
  );

  function start(
    kind: ImportKind,
    actor: string,
    planned: PlannedRow[],
    options: { sync: boolean; skipErrors: boolean },
  ): ImportJob {
    const running = [...jobs.values()].find((state) => state.job.status === "running");
    if (running) {
      throw new HttpError(
        409,
        "CONFLICT",
        `An import is already running (job ${running.job.jobId}). Wait for it to finish or cancel it.`,
      );
    }
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
    jobs.set(job.jobId, state);
    evictOld();
    publishProgress(state);
    run(state).catch((error: unknown) => {
      deps.log.error({ err: error, jobId: job.jobId }, "import job failed");
      finish(state, "failed");
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
    finish(state, !notRun ? "done" : state.stoppedBecause === null ? "cancelled" : "failed");
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
    const rowDeps = { ...deps, pbx: countingPbx(deps.pbx, calls) };
    // A verified password may have turned an update into unchanged (preparePasswords).
    const op = planned.op;
    if (!op) return "unchanged";
    switch (op.kind) {
      case "createAgent": {
        await createAgent(rowDeps, actor, op.agent, passwordHash ?? undefined);
        for (const queueId of op.assign) await assignAgent(rowDeps, actor, queueId, op.agent.id);
        return calls.adopted ? "adopted" : "done";
      }
      case "updateAgent": {
        if (Object.keys(op.edit).length > 0) await updateAgent(rowDeps, actor, op.id, op.edit);
        for (const queueId of op.assign) await assignAgent(rowDeps, actor, queueId, op.id);
        for (const queueId of op.release) await releaseAgent(rowDeps, actor, queueId, op.id);
        return "done";
      }
      case "createQueue":
        await createQueue(rowDeps, actor, op.queue);
        return calls.adopted ? "adopted" : "done";
      case "updateQueue":
        await updateQueue(rowDeps, actor, op.id, { name: op.name });
        return "done";
    }
  }

  function finish(state: JobState, status: ImportJob["status"]): void {
    const { job } = state;
    if (job.status !== "running") return;
    job.status = status;
    job.finishedAt = new Date().toISOString();
    // The plan holds the file's passwords in clear: keep nothing of it once the job is over.
    state.planned = [];
    job.counts = countResults(job.rows);
    if (state.progressTimer) clearTimeout(state.progressTimer);
    state.progressTimer = null;
    publishProgress(state);
    evictOld();
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

  function publishProgress(state: JobState): void {
    state.lastProgressAt = Date.now();
    state.job.counts = countResults(state.job.rows);
    // After shutdown began the registry may be closing, and no live stream is left to tell.
    if (deps.closing.aborted) return;
    deps.bus
      .publish([{ type: "import", job: progressOf(state.job) }])
      .catch((error: unknown) => deps.log.warn({ err: String(error) }, "import progress event"));
  }

  function evictOld(): void {
    const finished = [...jobs.values()].filter((state) => state.job.status !== "running");
    for (const state of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) {
      jobs.delete(state.job.jobId);
    }
  }

  function require(jobId: string): JobState {
    const state = jobs.get(jobId);
    if (!state) throw notFound(`Import job ${jobId}`);
    return state;
  }

  return {
    hashLimit,
    start,
    get(jobId: string): ImportJob {
      const state = require(jobId);
      state.job.counts = countResults(state.job.rows);
      return state.job;
    },
    list(): Omit<ImportJob, "rows">[] {
      return [...jobs.values()].reverse().map(({ job }) => {
        const { rows, ...rest } = job;
        return { ...rest, counts: countResults(rows) };
      });
    },
    /** Stops new rows from starting; rows in flight finish. Cancelling a finished job changes nothing. */
    cancel(jobId: string): ImportJob {
      const state = require(jobId);
      if (state.job.status === "running" && !state.job.cancelRequested) {
        state.job.cancelRequested = true;
        publishProgress(state);
      }
      return state.job;
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

/** The PBX client as the services see it, counting this row's calls and noticing an adoption. */
function countingPbx(pbx: PbxClient, calls: RowCalls): PbxClient {
  const count = async <R extends { kind: string }>(send: () => Promise<R>, adoptOn?: string): Promise<R> => {
    calls.count += 1;
    const outcome = await send();
    if (adoptOn !== undefined && outcome.kind === adoptOn) calls.adopted = true;
    return outcome;
  };
  return {
    ...pbx,
    newAgent: (p) => count(() => pbx.newAgent(p), "exists"),
    editAgent: (p) => count(() => pbx.editAgent(p)),
    newQueue: (p) => count(() => pbx.newQueue(p), "exists"),
    editQueue: (p) => count(() => pbx.editQueue(p)),
    assignAgent: (p) => count(() => pbx.assignAgent(p)),
    releaseAgent: (p) => count(() => pbx.releaseAgent(p)),
  };
}

/** A row by the job's own index, which is always in range. */
function rowAt<T>(rows: T[], index: number): T {
  const row = rows[index];
  if (row === undefined) throw new Error(`Import job has no row ${index}.`);
  return row;
}
