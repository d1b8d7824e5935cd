// The event log (for Last-Event-ID resume): written in the transaction of the change it reports.
//
// On PostgreSQL several writers (connections, console instances) commit at once, and a sequence hands out ids
// before commit: id 102 could commit before 101, and a reader that saw 102 and moved its cursor past 101 would
// skip it for good. So the events' ids are taken under a transaction-level advisory lock, held until the
// transaction ends: an id is drawn only after every transaction holding a lower one has committed (visible)
// or rolled back (that id never appears). Hence, in any snapshot, every id below a visible one is visible
// or gone forever, and a reader that reads `id > cursor` in id order misses nothing and sees nothing twice
// (docs/decisions/021-instances-fleet.md). The same statement queues a NOTIFY on EVENTS_CHANNEL, which
// PostgreSQL delivers to every listening instance at commit (registry/listen.ts). The lock is the last one
// a commit takes and is held only for the insert and the commit itself, so it cannot deadlock. The lock,
// the NOTIFY and the insert are one statement (docs/decisions/035-commit-path.md).
// SQLite has one writer at a time: ids commit in order already.
import type { ConsoleEvent } from "@crystal-console/api";
import { type Kysely, sql } from "kysely";
import { type AuditRow, insertAudit, insertAuditQuery } from "./audit.ts";
import { isPostgres } from "./open.ts";
import { prepared } from "./prepared.ts";
import type { Database } from "./schema.ts";

/** The channel every instance LISTENs on for committed events. */
export const EVENTS_CHANNEL = "console_events";
/** The advisory lock key that orders event ids (any constant no other lock uses). */
const EVENT_ORDER_LOCK = 20_261_201_021;

type Db = Kysely<Database>;

export type StoredEvent = { id: number; event: ConsoleEvent };

/** A parameter the query is built with (a marker while it is compiled: see prepared.ts). */
function param(p: Record<string, unknown>, name: string): unknown {
  if (!(name in p)) throw new Error(`insertEventRows: no parameter ${name}`);
  return p[name];
}

/** The rows of `n` events (the shape): parameters `at`, `type0`, `data0`, `type1`, ... */
const eventRows = (p: Record<string, unknown>, shape: string) =>
  Array.from({ length: Number(shape.split(":")[0]) }, (_, i) => ({
    at: param(p, "at") as string,
    type: param(p, `type${i}`) as string,
    data: param(p, `data${i}`) as string,
  }));

const insertEventRows = prepared((db, p: Record<string, unknown>, shape) =>
  db.insertInto("events").values(eventRows(p, shape)).returning("id"),
);

const AUDIT = "audit_";

/** The audit row's columns as parameters of the statement that also inserts the events, and back. */
const auditParams = (row: AuditRow) =>
  Object.fromEntries(Object.entries(row).map(([column, value]) => [`${AUDIT}${column}`, value]));
const auditOf = (p: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(p)
      .filter(([name]) => name.startsWith(AUDIT))
      .map(([name, value]) => [name.slice(AUDIT.length), value]),
  ) as AuditRow;

/**
 * PostgreSQL: the same insert taking the order lock and queueing the NOTIFY, with shape "n:audit" the
 * commit's audit row too, in one statement (one round trip). The lock is the WHERE of the rows' SELECT, a
 * condition on no row: PostgreSQL evaluates it once, before the first row reaches the insert, so every id
 * is drawn under it.
 */
const insertEventRowsInOrder = prepared((db, p: Record<string, unknown>, shape) => {
  const rows = eventRows(p, shape).map((row) => sql`(${row.at}, ${row.type}, ${row.data})`);
  const audited = shape.endsWith(":audit")
    ? sql`with "audited" as (${insertAuditQuery(db, auditOf(p))}) `
    : sql``;
  const statement = sql<{ id: number }>`${audited}insert into "events" ("at", "type", "data")
    select "at", "type", "data" from (values ${sql.join(rows)}) as "rows" ("at", "type", "data")
    where (select true from pg_advisory_xact_lock(${EVENT_ORDER_LOCK}), pg_notify(${EVENTS_CHANNEL}, ''))
    returning "id"`;
  return { compile: () => statement.compile(db) };
});

/**
 * Writes the events in one statement and returns them with their ids, in order; and `audit`, the audit row
 * of the same commit, if any (on PostgreSQL in the same statement).
 */
export async function insertEvents(
  db: Db,
  events: readonly ConsoleEvent[],
  audit: AuditRow | null = null,
): Promise<StoredEvent[]> {
  const postgres = isPostgres(db);
  if (audit && (events.length === 0 || !postgres)) await insertAudit(db, audit);
  if (events.length === 0) return [];
  const params: Record<string, unknown> = { at: new Date().toISOString() };
  events.forEach((event, i) => {
    params[`type${i}`] = event.type;
    params[`data${i}`] = JSON.stringify(event);
  });
  const { rows } = postgres
    ? await insertEventRowsInOrder(
        db,
        { ...params, ...(audit ? auditParams(audit) : {}) },
        `${events.length}${audit ? ":audit" : ""}`,
      )
    : await insertEventRows(db, params, String(events.length));
  // Ids are drawn in the order of the VALUES list, whatever order RETURNING lists them in.
  const ids = rows.map((row) => row.id).sort((a, b) => a - b);
  return events.map((event, index) => {
    const id = ids[index];
    if (id === undefined)
      throw new Error(`The events insert returned ${ids.length} ids for ${events.length} events.`);
    return { id, event };
  });
}

/** Read by every instance after each notification of new events (fan-out), so prepared. */
const selectEventsSince = prepared((db, p: { lastId: number; limit: number }) =>
  db.selectFrom("events").select(["id", "data"]).where("id", ">", p.lastId).orderBy("id").limit(p.limit),
);

export async function eventsSince(db: Db, lastId: number, limit: number): Promise<StoredEvent[]> {
  const { rows } = await selectEventsSince(db, { lastId, limit });
  return rows.map((row) => ({ id: row.id, event: JSON.parse(row.data) as ConsoleEvent }));
}

export async function lastEventId(db: Db): Promise<number> {
  const row = await db
    .selectFrom("events")
    .select((eb) => eb.fn.max("id").as("max"))
    .executeTakeFirst();
  return Number(row?.max ?? 0);
}

/** Keeps the last `keep` events. */
export async function pruneEvents(db: Db, keep: number): Promise<void> {
  const last = await lastEventId(db);
  await db
    .deleteFrom("events")
    .where("id", "<=", last - keep)
    .execute();
}
