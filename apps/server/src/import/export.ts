// The CSVs the console writes: agents and queues in the import formats (so export, edit, import
// round-trips), and an import job's per-row report. UTF-8 with a BOM and CRLF, so a spreadsheet opens
// Hebrew names correctly; the importer accepts both. Exports never carry a password: the console keeps
// only hashes, and an empty agent_pass on import keeps the agent's password as it is.
import {
  CSV_QUEUE_SEPARATOR,
  type ImportChange,
  type ImportJob,
  agentCsvColumns,
  queueCsvColumns,
} from "@crystal-console/api";
import { stringify } from "csv-stringify/sync";
import { Hono } from "hono";
import { requireRole } from "../auth/middleware.ts";
import type { ConsoleDeps } from "../deps.ts";
import type { AppEnv } from "../http/env.ts";
import type { Registry } from "../registry/open.ts";
import { listAgents, listQueues } from "../registry/read.ts";

const csvOptions = { header: true, bom: true, record_delimiter: "windows" } as const;

export async function agentsCsv(db: Registry): Promise<string> {
  const agents = await listAgents(db);
  return stringify(
    agents.map((agent) => ({
      agent_id: agent.id,
      agent_name: agent.name,
      agent_pass: "",
      agent_out_q: agent.outQueueId,
      queues: agent.queueIds.join(CSV_QUEUE_SEPARATOR),
    })),
    { ...csvOptions, columns: [...agentCsvColumns] },
  );
}

export async function queuesCsv(db: Registry): Promise<string> {
  const queues = await listQueues(db);
  return stringify(
    queues.map((queue) => ({ queue_id: queue.id, queue_name: queue.name })),
    { ...csvOptions, columns: [...queueCsvColumns] },
  );
}

const reportColumns = [
  "line",
  "id",
  "name",
  "plan",
  "result",
  "changes",
  "error",
  "code",
  "pbx_code",
  "pbx_message",
  "calls",
] as const;

export function reportCsv(job: ImportJob): string {
  return stringify(
    job.rows.map((row) => ({
      line: row.line,
      id: row.id,
      name: row.name ?? "",
      plan: row.plan,
      result: row.result,
      changes: row.changes.map(describeChange).join(" | "),
      error: row.error ?? "",
      code: row.code ?? "",
      pbx_code: row.pbx?.code ?? "",
      pbx_message: row.pbx?.message ?? "",
      calls: row.calls,
    })),
    { ...csvOptions, columns: [...reportColumns] },
  );
}

function describeChange(change: ImportChange): string {
  if (change.from === null && change.to === null) return change.field;
  return `${change.field}: ${change.from ?? "(none)"} -> ${change.to ?? "(none)"}`;
}

export function csvResponseHeaders(filename: string): Record<string, string> {
  return {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="${filename}"`,
    "Cache-Control": "no-store",
  };
}

export function exportRoutes(deps: ConsoleDeps) {
  return new Hono<AppEnv>()
    .use(requireRole("admin"))
    .get("/agents.csv", async (c) => c.body(await agentsCsv(deps.db), 200, csvResponseHeaders("agents.csv")))
    .get("/queues.csv", async (c) => c.body(await queuesCsv(deps.db), 200, csvResponseHeaders("queues.csv")));
}
