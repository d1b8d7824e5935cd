// What console instances on one PostgreSQL database tell each other, through LISTEN/NOTIFY on a connection
// of its own (never one of the pool's: a listening connection must stay open and idle between notifications):
//   - EVENTS_CHANNEL (registry/events.ts): events were committed; read the event log from where you are;
//   - SESSIONS_CHANNEL: sessions ended (their token hashes, usernames or agent ids, as JSON); forget them.
// A notification is sent in the transaction of the change it reports, so it arrives only if, and after, the
// change committed. A listener that loses its connection reconnects (every RECONNECT_MS) and then calls
// `onReconnect`: notifications sent while it was away are lost, so its owner reads again what they would have
// told it (the event log from its cursor; every cached session).
//
// `sync()` is the barrier a session lookup waits for (auth/sessions.ts, docs/decisions/029-...): the listener
// notifies a channel only it listens on and waits for that notification to come back. PostgreSQL delivers
// notifications of different transactions in the order they committed, so by then every notification of a
// transaction that committed before the call has been handled. One round trip on this connection serves
// every caller that came while it was not yet sent; callers that come while one is in flight wait for the
// next. It fails (the caller reads the registry instead) while the connection is down or if the answer does
// not come within SYNC_TIMEOUT_MS.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { EVENTS_CHANNEL } from "./events.ts";
import { isPostgres } from "./open.ts";
import type { Registry } from "./open.ts";
import { sql } from "kysely";

export { EVENTS_CHANNEL };
export const SESSIONS_CHANNEL = "console_sessions";

const RECONNECT_MS = 500;
const SYNC_TIMEOUT_MS = 1000;

export type Listener = {
  /** Resolves once every notification of a transaction committed before the call was handled; else rejects. */
  sync(): Promise<void>;
  close(): Promise<void>;
};

type Waiter = { resolve: () => void; reject: (error: Error) => void };

export async function listen(
  url: string,
  handlers: Record<string, (payload: string) => void>,
  events: { onReconnect(): void; onError(error: unknown): void },
): Promise<Listener> {
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;
  /** This listener's own channel, for sync(). */
  const syncChannel = `console_sync_${randomBytes(8).toString("hex")}`;
  let syncs = 0;
  /** The sync sent and not yet back (its payload and callers), and the callers waiting for the next. */
  let inFlight: { payload: string; waiters: Waiter[]; timer: NodeJS.Timeout } | null = null;
  let nextWaiters: Waiter[] = [];

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString: url });
    next.on("notification", (message) => {
      if (message.channel === syncChannel) synced(message.payload ?? "");
      else handlers[message.channel]?.(message.payload ?? "");
    });
    next.on("error", (error) => {
      events.onError(error);
      lost(next);
    });
    next.on("end", () => lost(next));
    await next.connect();
    for (const channel of [...Object.keys(handlers), syncChannel]) await next.query(`LISTEN ${channel}`);
    client = next;
  }

  /** Sends the next sync for everyone waiting, when none is in flight. */
  function sendSync() {
    if (inFlight || nextWaiters.length === 0) return;
    const waiters = nextWaiters;
    nextWaiters = [];
    if (!client) return failAll(waiters, "the listening connection is down");
    const payload = String(++syncs);
    const timer = setTimeout(() => {
      if (inFlight?.payload !== payload) return;
      inFlight = null;
      failAll(waiters, "no answer to the sync notification");
      sendSync();
    }, SYNC_TIMEOUT_MS);
    inFlight = { payload, waiters, timer };
    client
      .query({ name: "console_sync", text: "select pg_notify($1, $2)", values: [syncChannel, payload] })
      .catch(() => {
        if (inFlight?.payload !== payload) return;
        clearTimeout(timer);
        inFlight = null;
        failAll(waiters, "the sync notification could not be sent");
        sendSync();
      });
  }

  function synced(payload: string) {
    if (inFlight?.payload !== payload) return;
    clearTimeout(inFlight.timer);
    for (const waiter of inFlight.waiters) waiter.resolve();
    inFlight = null;
    sendSync();
  }

  function failAll(waiters: Waiter[], why: string) {
    for (const waiter of waiters) waiter.reject(new Error(why));
  }

  function lost(which: pg.Client) {
    if (client !== which || closed) return;
    client = null;
    if (inFlight) {
      clearTimeout(inFlight.timer);
      failAll(inFlight.waiters, "the listening connection was lost");
      inFlight = null;
    }
    failAll(nextWaiters.splice(0), "the listening connection was lost");
    void which.end().catch(() => undefined);
    retry = setTimeout(reconnect, RECONNECT_MS);
  }

  function reconnect() {
    retry = null;
    if (closed) return;
    connect().then(
      () => events.onReconnect(),
      (error: unknown) => {
        events.onError(error);
        if (!closed) retry = setTimeout(reconnect, RECONNECT_MS);
      },
    );
  }

  await connect();
  return {
    sync() {
      return new Promise<void>((resolve, reject) => {
        nextWaiters.push({ resolve, reject });
        sendSync();
      });
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      if (inFlight) {
        clearTimeout(inFlight.timer);
        failAll(inFlight.waiters, "the listener closed");
        inFlight = null;
      }
      failAll(nextWaiters.splice(0), "the listener closed");
      await client?.end().catch(() => undefined);
      client = null;
    },
  };
}

/**
 * Tells every instance (this one too) that sessions ended, when the transaction `db` commits (at once when
 * it is the registry itself). Nothing to tell on SQLite: one process.
 */
export async function notifySessionsEnded(db: Registry, ended: object): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`select pg_notify(${SESSIONS_CHANNEL}, ${JSON.stringify(ended)})`.execute(db);
}
