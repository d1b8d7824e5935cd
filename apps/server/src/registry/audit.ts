// The audit table. Every filter GET /api/audit offers is served by an index (migrations 003 and 011): each
// equality filter by its (column, id, the other filter columns) index, newest first, the other filters tested
// on its entries before a row is read (decision 036); a time range is first turned into id bounds through the
// (at, id) index, so it narrows the same scan instead of sorting every row in the range.
import type { AuditEntry, AuditQuery } from "@crystal-console/api";
import type { Kysely } from "kysely";
import { prepared } from "./prepared.ts";
import type { AuditTable, Database } from "./schema.ts";

type Db = Kysely<Database>;

export type AuditRow = Omit<AuditTable, "id">;

/** The insert of one audit row (also part of the events' insert on PostgreSQL: events.ts). */
export const insertAuditQuery = (db: Db, row: AuditRow) => db.insertInto("audit").values(row);

const insertAuditRow = prepared(insertAuditQuery);

export async function insertAudit(db: Db, row: AuditRow): Promise<void> {
  await insertAuditRow(db, row);
}

/**
 * The entries matching `query`, newest first, one page. Audit ids grow in commit order and `at` is the commit
 * clock, so the first id at or after `from` and the last at or before `to` bound the range; the `at` filters
 * stay as well, so the bounds only ever narrow the scan.
 */
export async function queryAudit(db: Db, query: AuditQuery) {
  const from = query.from ? new Date(query.from).toISOString() : undefined;
  const to = query.to ? new Date(query.to).toISOString() : undefined;
  const [low, high] = await Promise.all([
    from === undefined
      ? undefined
      : db
          .selectFrom("audit")
          .select("id")
          .where("at", ">=", from)
          .orderBy("at")
          .orderBy("id")
          .limit(1)
          .executeTakeFirst(),
    to === undefined
      ? undefined
      : db
          .selectFrom("audit")
          .select("id")
          .where("at", "<=", to)
          .orderBy("at", "desc")
          .orderBy("id", "desc")
          .limit(1)
          .executeTakeFirst(),
  ]);
  if ((from !== undefined && !low) || (to !== undefined && !high)) return { entries: [], nextBefore: null };
  let select = db
    .selectFrom("audit")
    .selectAll()
    .orderBy("id", "desc")
    .limit(query.limit + 1);
  if (query.actor) select = select.where("actor", "=", query.actor);
  if (query.agentId) select = select.where("agent_id", "=", query.agentId);
  if (query.queueId) select = select.where("queue_id", "=", query.queueId);
  if (query.action) select = select.where("action", "=", query.action);
  if (query.outcome) select = select.where("outcome", "=", query.outcome);
  if (from !== undefined && low) select = select.where("at", ">=", from).where("id", ">=", low.id);
  if (to !== undefined && high) select = select.where("at", "<=", to).where("id", "<=", high.id);
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
