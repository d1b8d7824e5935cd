// /api/import (admin): POST /agents and /queues with a CSV body plan (dryRun=true, 200) or start a job
// (202 {jobId}); GET /jobs, /jobs/:jobId and /jobs/:jobId/report.csv; DELETE /jobs/:jobId cancels.
// A file with error rows is refused as a whole (400 naming each row and column) unless skipErrors=true.
import type { RowError } from "@crystal-console/api";
import { currentUser } from "../auth/middleware.ts";
import type { ConsoleDeps } from "../deps.ts";
import { handlers } from "../http/contract.ts";
import { HttpError, validationError } from "../http/errors.ts";
import { csvResponseHeaders } from "./csv.ts";
import { reportCsv } from "./export.ts";
import { createImportJobs } from "./jobs.ts";
import { decodeCsv, parseCsv } from "./parse.ts";
import { type PlannedRow, loadSnapshot, planRows, settlePassword, summarize } from "./plan.ts";

/** Bodies that are clearly not a CSV file (a form post or JSON): everything else is read as text. */
const NOT_CSV = /^(application\/json|application\/x-www-form-urlencoded|multipart\/form-data)/i;

export function importRoutes(deps: ConsoleDeps) {
  const jobs = createImportJobs(deps);

  return handlers({
    "POST /import/:kind": async (c, reply) => {
      const { kind } = c.req.valid("param");
      const query = c.req.valid("query");
      const { dryRun, skipErrors } = query;
      const sync = kind === "agents" && query.sync;
      if (NOT_CSV.test(c.req.header("content-type") ?? "")) {
        throw validationError({ body: "Send the file itself as the body, with Content-Type text/csv" });
      }
      const rows = parseCsv(kind, decodeCsv(await c.req.arrayBuffer()));
      const planned = planRows(kind, rows, await loadSnapshot(deps.db), { sync });

      if (dryRun) {
        await Promise.all(planned.map((item) => settlePassword(item, jobs.hashLimit)));
        const planRowsOut = planned.map((item) => item.row);
        return reply(200, { kind, sync, rows: planRowsOut, summary: summarize(planRowsOut) });
      }

      const errors = planned.filter((item) => item.row.plan === "error");
      if (errors.length > 0 && !skipErrors) throw rowErrors(errors);
      const job = await jobs.start(kind, currentUser(c).username, planned, { sync, skipErrors });
      c.header("Location", `/api/import/jobs/${job.jobId}`);
      return reply(202, { jobId: job.jobId });
    },
    "GET /import/jobs": async (_c, reply) => reply(200, { jobs: await jobs.list() }),
    "GET /import/jobs/:jobId": async (c, reply) =>
      reply(200, { job: await jobs.get(c.req.valid("param").jobId) }),
    "GET /import/jobs/:jobId/report.csv": async (c, reply) => {
      const job = await jobs.get(c.req.valid("param").jobId);
      return reply.text(200, reportCsv(job), csvResponseHeaders(`import-${job.kind}-${job.jobId}.csv`));
    },
    "DELETE /import/jobs/:jobId": async (c, reply) =>
      reply(200, { job: await jobs.cancel(c.req.valid("param").jobId) }),
  });
}

/** The refusal of a file with error rows: every problem of every error row, by line and column. */
function rowErrors(errors: PlannedRow[]): HttpError {
  const rows: RowError[] = errors.flatMap(({ row }) =>
    Object.entries(row.fields).map(([column, message]) => ({ line: row.line, column, message })),
  );
  const count = errors.length === 1 ? "1 row has errors" : `${errors.length} rows have errors`;
  return new HttpError(
    400,
    "VALIDATION",
    `Nothing was imported: ${count}. Fix them and try again, or import the other rows with skipErrors=true.`,
    { rows },
  );
}
