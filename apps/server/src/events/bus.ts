// Live events: every committed change is written to the event log (for Last-Event-ID resume) in the same
// transaction as the change (registry/commit.ts), then broadcast to every subscriber (the open streams, the
// agents-list cache), in id order, each event once. Viewers are served from here, never by a PBX call per viewer.
//
// Two ways events reach the subscribers, chosen at start:
//   - "direct" (SQLite: one process, one writer): the committer hands its events over after the commit; they
//     are already in id order.
//   - "log" (PostgreSQL: several connections and console instances commit at once): events are read back
//     from the event log in id order, from the last id handed over, whenever any instance commits (its NOTIFY,
//     registry/listen.ts calls catchUp), when this instance commits, and every POLL_MS should a notification
//     be lost. Event ids commit in id order (registry/events.ts), so reading `id > cursor` skips nothing and
//     repeats nothing, and every instance hands over the same events in the same global order. A committer
//     here waits (at most WAIT_MS) until its own events were handed over, so the request that made a change
//     answers after the agents-list cache and this instance's streams have it. When its events are the very
//     next ids after the cursor, the committer hands them over itself, without reading them back: their ids
//     were drawn after every lower id had committed (the advisory lock), so nothing lies between the cursor
//     and them, and the log's reader skips whatever was handed over already.
import type { ConsoleEvent } from "@crystal-console/api";
import type { Logger } from "pino";
import { commit } from "../registry/commit.ts";
import { type StoredEvent, eventsSince, lastEventId, pruneEvents } from "../registry/events.ts";
import type { Registry } from "../registry/open.ts";

export type { StoredEvent };

const KEEP_EVENTS = 50_000;
/** At most this many events are replayed to a resuming stream (more: it is told to resync). */
export const REPLAY_LIMIT = 10_000;
/** Events read from the log per query. */
const READ_BATCH = 1000;
/** How often the log is read with no notification (a notification lost while the listener reconnected). */
const POLL_MS = 1000;
/** A committer waits at most this long for its events to be handed over (the log is unreachable: go on). */
const WAIT_MS = 2000;

export type EventBus = ReturnType<typeof createEventBus>;

export function createEventBus(
  db: Registry,
  options: { from: "direct" | "log"; log?: Logger } = { from: "direct" },
) {
  const subscribers = new Set<(stored: StoredEvent) => void>();
  let writes = 0;
  /** The id of the last event handed over (the log's cursor). */
  let handedOver = 0;
  const waiters = new Set<{ id: number; done: () => void }>();
  let reading: Promise<void> | null = null;
  /** Someone asked for a read since the current one began. */
  let readAgain = false;
  let poll: NodeJS.Timeout | null = null;

  function handOver(stored: readonly StoredEvent[]): void {
    for (const item of stored) {
      if (item.id <= handedOver) continue;
      for (const subscriber of subscribers) subscriber(item);
      handedOver = item.id;
    }
    for (const waiter of waiters) if (waiter.id <= handedOver) waiter.done();
    writes += stored.length;
    if (writes >= 1000) {
      writes = 0;
      void pruneEvents(db, KEEP_EVENTS).catch(() => undefined);
    }
  }

  /** Reads of the log started so far (each is numbered). */
  let reads = 0;
  const readWaiters = new Set<{ read: number; done: () => void }>();

  /**
   * Resolves when a read of the log that began after this call has ended (the next one to start), so that
   * everything committed before the call was handed over. One read at a time, each to the end of the log;
   * while writes keep coming, reads follow each other, and each caller waits for one read, never for a quiet log.
   */
  function catchUp(): Promise<void> {
    if (options.from === "direct") return Promise.resolve();
    const read = reads + 1;
    const ended = new Promise<void>((done) => readWaiters.add({ read, done }));
    readAgain = true;
    reading ??= readLoop();
    return ended;
  }

  async function readLoop(): Promise<void> {
    while (readAgain) {
      readAgain = false;
      const read = ++reads;
      try {
        let batch: StoredEvent[];
        do {
          batch = await eventsSince(db, handedOver, READ_BATCH);
          handOver(batch);
        } while (batch.length === READ_BATCH);
      } catch (error) {
        options.log?.warn({ err: String(error) }, "could not read the event log");
      }
      for (const waiter of readWaiters)
        if (waiter.read <= read) {
          readWaiters.delete(waiter);
          waiter.done();
        }
    }
    reading = null;
  }

  /** Whether the committed events are the ids right after the cursor, with no gap among them. */
  function followsCursor(stored: readonly StoredEvent[]): boolean {
    return stored.length > 0 && stored.every((item, i) => item.id === handedOver + 1 + i);
  }

  /** After a commit: hands its events over (direct), or waits until the log's reader has (log). */
  async function broadcast(stored: readonly StoredEvent[]): Promise<void> {
    if (options.from === "direct" || followsCursor(stored)) return handOver(stored);
    const last = stored.at(-1)?.id ?? 0;
    if (last <= handedOver) return;
    await new Promise<void>((resolve) => {
      const waiter = {
        id: last,
        done: () => {
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.done, WAIT_MS);
      waiters.add(waiter);
      readAgain = true;
      reading ??= readLoop();
    });
  }

  /** Records and broadcasts events that change no registry row (e.g. the PBX's health). */
  async function publish(events: ConsoleEvent[]): Promise<void> {
    await broadcast(await commit(db, { lease: null, settle: null, audit: null, events }));
  }

  function subscribe(subscriber: (stored: StoredEvent) => void): () => void {
    subscribers.add(subscriber);
    return () => subscribers.delete(subscriber);
  }

  return {
    broadcast,
    publish,
    since: (lastId: number) => eventsSince(db, lastId, REPLAY_LIMIT),
    lastId: () => lastEventId(db),
    subscribe,
    /**
     * Log: reads the log from the cursor now (another instance committed events), and resolves when every
     * event committed before the call was handed over (a read that began after the call ended). Direct: at once.
     */
    catchUp,
    /** Log: starts from the newest event, then reads every POLL_MS too. Call after LISTEN is in place. */
    async start(): Promise<void> {
      if (options.from === "direct") return;
      handedOver = await lastEventId(db);
      poll = setInterval(() => void catchUp(), POLL_MS);
      poll.unref();
    },
    async stop(): Promise<void> {
      if (poll) clearInterval(poll);
      for (const waiter of waiters) waiter.done();
      await reading;
    },
    get subscriberCount() {
      return subscribers.size;
    },
  };
}
