// What console instances on one PostgreSQL database tell each other, through LISTEN/NOTIFY on a connection
// of its own (never one of the pool's: a listening connection must stay open and idle between notifications):
//   - EVENTS_CHANNEL (registry/events.ts): events were committed; read the event log from where you are;
//   - SESSIONS_CHANNEL: sessions ended (their token hashes, usernames or agent ids, as JSON); forget them.
// A notification is sent in the transaction of the change it reports, so it arrives only if, and after, the
// change committed. A listener that loses its connection reconnects (every RECONNECT_MS) and then calls
// `onReconnect`: notifications sent while it was away are lost, so its owner reads again what they would have
// told it (the event log from its cursor; every cached session).
import pg from "pg";
import { EVENTS_CHANNEL } from "./events.ts";
import { isPostgres } from "./open.ts";
import type { Registry } from "./open.ts";
import { sql } from "kysely";

export { EVENTS_CHANNEL };
export const SESSIONS_CHANNEL = "console_sessions";

const RECONNECT_MS = 500;

export type Listener = { close(): Promise<void> };

export async function listen(
  url: string,
  handlers: Record<string, (payload: string) => void>,
  events: { onReconnect(): void; onError(error: unknown): void },
): Promise<Listener> {
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString: url });
    next.on("notification", (message) => handlers[message.channel]?.(message.payload ?? ""));
    next.on("error", (error) => {
      events.onError(error);
      lost(next);
    });
    next.on("end", () => lost(next));
    await next.connect();
    for (const channel of Object.keys(handlers)) await next.query(`LISTEN ${channel}`);
    client = next;
  }

  function lost(which: pg.Client) {
    if (client !== which || closed) return;
    client = null;
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
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
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
