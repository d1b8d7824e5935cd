// The CSVs the console writes: agents and queues in the import formats (so export, edit, import
// round-trips), and an import job's per-row report, all through the one writer (csv.ts). Exports never
// carry a password: the console keeps only hashes, and an empty agent_pass on import keeps the agent's
// password as it is.
import {
  CSV_QUEUE_SEPARATOR,
  type ImportChange,
  type ImportJob,
  agentCsvColumns,
  queueCsvColumns,
} from "@crystal-console/api";
import type { ConsoleDeps } from "../deps.ts";
import { handlers } from "../http/contract.ts";
import type { Registry } from "../registry/open.ts";
import { listAgents, listQueues } from "../registry/read.ts";
import { csvResponseHeaders, writeCsv } from "./csv.ts";

export async function agentsCsv(db: Registry): Promise<string> {
  const agents = await listAgents(db);
  return writeCsv(
    agentCsvColumns,
    agents.map((agent) => ({
      agent_id: agent.id,
      agent_name: agent.name,
      agent_pass: "",
      agent_out_q: agent.outQueueId,
      queues: agent.queueIds.join(CSV_QUEUE_SEPARATOR),
    })),
  );
}

export async function queuesCsv(db: Registry): Promise<string> {
  const queues = await listQueues(db);
  return writeCsv(
    queueCsvColumns,
    queues.map((queue) => ({ queue_id: queue.id, queue_name: queue.name })),
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
  return writeCsv(
    reportColumns,
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
  );
}

function describeChange(change: ImportChange): string {
  if (change.from === null && change.to === null) return change.field;
  return `${change.field}: ${change.from ?? "(none)"} -> ${change.to ?? "(none)"}`;
}

export function exportRoutes(deps: ConsoleDeps) {
  return handlers({
    "GET /export/agents.csv": async (_c, reply) =>
      reply.text(200, await agentsCsv(deps.db), csvResponseHeaders("agents.csv")),
    "GET /export/queues.csv": async (_c, reply) =>
      reply.text(200, await queuesCsv(deps.db), csvResponseHeaders("queues.csv")),
  });
}
