// The audit log: every attempted change, who, what, to whom, when, and what the PBX answered.
// Parameters are recorded without passwords; the PBX secure code is never part of them.
import type { AuditEntry, AuditQuery } from "@crystal-console/api";
import type { Kysely, Transaction } from "kysely";
import type { Statements } from "../registry/open.ts";
import type { AuditTable, Database } from "../registry/schema.ts";

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

function auditRow(entry: AuditRecord): Omit<AuditTable, "id"> {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(entry.params ?? {}))
    params[key] = SECRET_PARAMS.has(key) ? "***" : value;
  return {
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
  };
}

export async function recordAudit(db: Kysely<Database> | Transaction<Database>, entry: AuditRecord) {
  await db.insertInto("audit").values(auditRow(entry)).execute();
}

const INSERT_AUDIT = `insert into "audit" ("at", "actor", "action", "agent_id", "queue_id", "params", "pbx_code", "pbx_message", "outcome", "detail") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** recordAudit as one prepared statement, in the transaction that `statements` run in (see transactNow). */
export function recordAuditIn(statements: Statements, entry: AuditRecord): void {
  const row = auditRow(entry);
  statements
    .prepare(INSERT_AUDIT)
    .run(
      row.at,
      row.actor,
      row.action,
      row.agent_id,
      row.queue_id,
      row.params,
      row.pbx_code,
      row.pbx_message,
      row.outcome,
      row.detail,
    );
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
