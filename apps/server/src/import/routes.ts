// /api/import (admin): POST /agents and /queues with a CSV body plan (dryRun=true, 200) or start a job
// (202 {jobId}); GET /jobs, /jobs/:jobId and /jobs/:jobId/report.csv; DELETE /jobs/:jobId cancels.
// A file with error rows is refused as a whole (400 naming each row and column) unless skipErrors=true.
import {
  IMPORT_MAX_BYTES,
  type ImportJobResponse,
  type ImportJobsResponse,
  type ImportKind,
  type ImportPlanResponse,
  type ImportStartResponse,
  importQuerySchema,
} from "@crystal-console/api";
import { type Context, Hono } from "hono";
import { z } from "zod";
import { currentUser, requireRole } from "../auth/middleware.ts";
import type { ConsoleDeps } from "../deps.ts";
import { limitBody } from "../http/body-limit.ts";
import { HttpError, validationError } from "../http/errors.ts";
import type { AppEnv } from "../http/env.ts";
import { fieldErrors, validate } from "../http/validate.ts";
import { csvResponseHeaders } from "./csv.ts";
import { reportCsv } from "./export.ts";
import { createImportJobs } from "./jobs.ts";
import { decodeCsv, parseCsv } from "./parse.ts";
import { type PlannedRow, loadSnapshot, planRows, settlePassword, summarize } from "./plan.ts";

const jobParams = z.object({ jobId: z.uuid({ error: "Job id is not valid" }) });

/** Bodies that are clearly not a CSV file (a form post or JSON): everything else is read as text. */
const NOT_CSV = /^(application\/json|application\/x-www-form-urlencoded|multipart\/form-data)/i;

export function importRoutes(deps: ConsoleDeps) {
  const jobs = createImportJobs(deps);
  const csvBodyLimit = limitBody(IMPORT_MAX_BYTES, "CSV files");

  async function importCsv(c: Context<AppEnv>, kind: ImportKind) {
    const query = importQuerySchema.safeParse(c.req.query());
    if (!query.success) throw validationError(fieldErrors(query.error.issues));
    const { dryRun, skipErrors } = query.data;
    const sync = kind === "agents" && query.data.sync;
    if (NOT_CSV.test(c.req.header("content-type") ?? "")) {
      throw validationError({ body: "Send the file itself as the body, with Content-Type text/csv" });
    }
    const rows = parseCsv(kind, decodeCsv(await c.req.arrayBuffer()));
    const planned = planRows(kind, rows, await loadSnapshot(deps.db), { sync });

    if (dryRun) {
      await Promise.all(planned.map((item) => settlePassword(item, jobs.hashLimit)));
      const planRowsOut = planned.map((item) => item.row);
      const body: ImportPlanResponse = { kind, sync, rows: planRowsOut, summary: summarize(planRowsOut) };
      return c.json(body, 200);
    }

    const errors = planned.filter((item) => item.row.plan === "error");
    if (errors.length > 0 && !skipErrors) throw rowErrors(errors);
    const job = jobs.start(kind, currentUser(c).username, planned, { sync, skipErrors });
    c.header("Location", `/api/import/jobs/${job.jobId}`);
    const body: ImportStartResponse = { jobId: job.jobId };
    return c.json(body, 202);
  }

  return new Hono<AppEnv>()
    .use(requireRole("admin"))
    .post("/agents", csvBodyLimit, (c) => importCsv(c, "agents"))
    .post("/queues", csvBodyLimit, (c) => importCsv(c, "queues"))
    .get("/jobs", (c) => c.json({ jobs: jobs.list() } satisfies ImportJobsResponse, 200))
    .get("/jobs/:jobId", validate("param", jobParams), (c) =>
      c.json({ job: jobs.get(c.req.valid("param").jobId) } satisfies ImportJobResponse, 200),
    )
    .get("/jobs/:jobId/report.csv", validate("param", jobParams), (c) => {
      const job = jobs.get(c.req.valid("param").jobId);
      return c.body(reportCsv(job), 200, csvResponseHeaders(`import-${job.kind}-${job.jobId}.csv`));
    })
    .delete("/jobs/:jobId", validate("param", jobParams), (c) =>
      c.json({ job: jobs.cancel(c.req.valid("param").jobId) } satisfies ImportJobResponse, 200),
    );
}

function rowErrors(errors: PlannedRow[]): HttpError {
  const fields: Record<string, string> = {};
  for (const { row } of errors) {
    for (const [column, message] of Object.entries(row.fields))
      fields[`line ${row.line}: ${column}`] = message;
  }
  const count = errors.length === 1 ? "1 row has errors" : `${errors.length} rows have errors`;
  return new HttpError(
    400,
    "VALIDATION",
    `Nothing was imported: ${count}. Fix them and try again, or import the other rows with skipErrors=true.`,
    { fields },
  );
}
