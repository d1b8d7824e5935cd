// The event log (for Last-Event-ID resume): written in the transaction of the change it reports.
import type { ConsoleEvent } from "@crystal-console/api";
import type { Kysely } from "kysely";
import { prepared } from "./prepared.ts";
import type { Database } from "./schema.ts";

type Db = Kysely<Database>;

export type StoredEvent = { id: number; event: ConsoleEvent };

/** A parameter the query is built with (a marker while it is compiled: see prepared.ts). */
function param(p: Record<string, string>, name: string): string {
  const value = p[name];
  if (value === undefined) throw new Error(`insertEventRows: no parameter ${name}`);
  return value;
}

/** One insert of `n` events (the shape): parameters `at`, `type0`, `data0`, `type1`, ... */
const insertEventRows = prepared((db, p: Record<string, string>, shape) =>
  db
    .insertInto("events")
    .values(
      Array.from({ length: Number(shape) }, (_, i) => ({
        at: param(p, "at"),
        type: param(p, `type${i}`),
        data: param(p, `data${i}`),
      })),
    )
    .returning("id"),
);

/** Writes the events in one statement and returns them with their ids, in order. */
export async function insertEvents(db: Db, events: readonly ConsoleEvent[]): Promise<StoredEvent[]> {
  if (events.length === 0) return [];
  const params: Record<string, string> = { at: new Date().toISOString() };
  events.forEach((event, i) => {
    params[`type${i}`] = event.type;
    params[`data${i}`] = JSON.stringify(event);
  });
  const { rows } = await insertEventRows(db, params, String(events.length));
  // Ids are drawn in the order of the VALUES list, whatever order RETURNING lists them in.
  const ids = rows.map((row) => row.id).sort((a, b) => a - b);
  return events.map((event, index) => {
    const id = ids[index];
    if (id === undefined)
      throw new Error(`The events insert returned ${ids.length} ids for ${events.length} events.`);
    return { id, event };
  });
}

export async function eventsSince(db: Db, lastId: number, limit: number): Promise<StoredEvent[]> {
  const rows = await db
    .selectFrom("events")
    .select(["id", "data"])
    .where("id", ">", lastId)
    .orderBy("id")
    .limit(limit)
    .execute();
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
