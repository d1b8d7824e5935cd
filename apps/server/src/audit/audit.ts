// The audit log: every attempted change, who, what, to whom, when, and what the PBX answered.
// Parameters are recorded without passwords; the PBX secure code is never part of them.
import type { AuditEntry, AuditQuery } from "@crystal-console/api";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../registry/schema.ts";

export type AuditRecord = {
  actor: string;
  action: string;
  agentId?: string | undefined;
  queueId?: string | undefined;
  params?: Record<string, string>;
  pbx?: { code: number; message: string } | null;
  outcome: AuditEntry["outcome"];
  detail?: string | null;
};

const SECRET_PARAMS = new Set(["password", "agent_pass", "secure"]);

export async function recordAudit(db: Kysely<Database> | Transaction<Database>, entry: AuditRecord) {
  const params = Object.fromEntries(
    Object.entries(entry.params ?? {}).map(([key, value]) => [key, SECRET_PARAMS.has(key) ? "***" : value]),
  );
  await db
    .insertInto("audit")
    .values({
      at: new Date().toISOString(),
      actor: entry.actor,
      action: entry.action,
      agent_id: entry.agentId ?? null,
      queue_id: entry.queueId ?? null,
      params: JSON.stringify(params),
      pbx_code: entry.pbx?.code ?? null,
      pbx_message: entry.pbx?.message ?? null,
      outcome: entry.outcome,
      detail: entry.detail ?? null,
    })
    .execute();
}

export async function queryAudit(db: Kysely<Database>, query: AuditQuery) {
  let select = db
    .selectFrom("audit")
    .selectAll()
    .orderBy("id", "desc")
    .limit(query.limit + 1);
  if (query.actor) select = select.where("actor", "=", query.actor);
  if (query.agentId) select = select.where("agent_id", "=", query.agentId);
  if (query.queueId) select = select.where("queue_id", "=", query.queueId);
  if (query.action) select = select.where("action", "=", query.action);
  if (query.from) select = select.where("at", ">=", new Date(query.from).toISOString());
  if (query.to) select = select.where("at", "<=", new Date(query.to).toISOString());
  if (query.before) select = select.where("id", "<", query.before);
  const rows = await select.execute();
  const page = rows.slice(0, query.limit);
  const entries: AuditEntry[] = page.map((row) => ({
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    agentId: row.agent_id,
    queueId: row.queue_id,
    params: JSON.parse(row.params) as Record<string, string>,
    pbx: row.pbx_code === null ? null : { code: row.pbx_code, message: row.pbx_message ?? "" },
    outcome: row.outcome,
    detail: row.detail,
  }));
  const last = page.at(-1);
  return { entries, nextBefore: rows.length > query.limit && last ? last.id : null };
}
