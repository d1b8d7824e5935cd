// Live events: every committed change is written to the event log (for Last-Event-ID resume) in the same
// transaction as the change, then broadcast to every open stream. Viewers are served from here, never by a
// PBX call per viewer.
import type { ConsoleEvent } from "@crystal-console/api";
import { type Kysely, type Transaction, sql } from "kysely";
import { type Statements, statementsIn } from "../registry/open.ts";
import type { Database } from "../registry/schema.ts";

export type StoredEvent = { id: number; event: ConsoleEvent };

const KEEP_EVENTS = 50_000;
/** At most this many events are replayed to a resuming stream (more: it is told to resync). */
export const REPLAY_LIMIT = 10_000;
const INSERT_EVENT = `insert into "events" ("at", "type", "data") values (?, ?, ?) returning "id"`;

export type EventBus = ReturnType<typeof createEventBus>;

export function createEventBus(db: Kysely<Database>) {
  const subscribers = new Set<(stored: StoredEvent) => void>();
  let writes = 0;

  /** Writes the events to the log (in `trx`, the change's own transaction) and returns them with their ids. */
  async function record(trx: Transaction<Database> | Kysely<Database>, events: ConsoleEvent[]) {
    if (trx.isTransaction) return recordIn(statementsIn(db, trx as Transaction<Database>), events);
    const stored: StoredEvent[] = [];
    const at = new Date().toISOString();
    for (const event of events) {
      const row = await trx
        .insertInto("events")
        .values({ at, type: event.type, data: JSON.stringify(event) })
        .returning("id")
        .executeTakeFirstOrThrow();
      stored.push({ id: row.id, event });
    }
    return stored;
  }

  /** record() as prepared statements, in the transaction that `statements` run in (see transactNow). */
  function recordIn(statements: Statements, events: ConsoleEvent[]): StoredEvent[] {
    const stored: StoredEvent[] = [];
    if (events.length === 0) return stored;
    const at = new Date().toISOString();
    const insert = statements.prepare(INSERT_EVENT);
    for (const event of events) {
      const row = insert.get(at, event.type, JSON.stringify(event)) as { id: number };
      stored.push({ id: row.id, event });
    }
    return stored;
  }

  function broadcast(stored: StoredEvent[]): void {
    for (const item of stored) for (const subscriber of subscribers) subscriber(item);
    writes += stored.length;
    if (writes >= 1000) {
      writes = 0;
      void prune();
    }
  }

  async function prune() {
    await sql`delete from events where id <= (select max(id) from events) - ${KEEP_EVENTS}`.execute(db);
  }

  /** Records and broadcasts events that change no registry row (e.g. the PBX's health). */
  async function publish(events: ConsoleEvent[]): Promise<void> {
    broadcast(await record(db, events));
  }

  async function since(lastId: number): Promise<StoredEvent[]> {
    const rows = await db
      .selectFrom("events")
      .select(["id", "data"])
      .where("id", ">", lastId)
      .orderBy("id")
      .limit(REPLAY_LIMIT)
      .execute();
    return rows.map((row) => ({ id: row.id, event: JSON.parse(row.data) as ConsoleEvent }));
  }

  async function lastId(): Promise<number> {
    const row = await db
      .selectFrom("events")
      .select((eb) => eb.fn.max("id").as("max"))
      .executeTakeFirst();
    return Number(row?.max ?? 0);
  }

  function subscribe(subscriber: (stored: StoredEvent) => void): () => void {
    subscribers.add(subscriber);
    return () => subscribers.delete(subscriber);
  }

  return {
    record,
    recordIn,
    broadcast,
    publish,
    since,
    lastId,
    subscribe,
    get subscriberCount() {
      return subscribers.size;
    },
  };
}
