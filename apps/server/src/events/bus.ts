// Live events: every committed change is written to the event log (for Last-Event-ID resume) in the same
// transaction as the change (registry/commit.ts), then broadcast to every open stream. Viewers are served
// from here, never by a PBX call per viewer.
import type { ConsoleEvent } from "@crystal-console/api";
import { commit } from "../registry/commit.ts";
import { type StoredEvent, eventsSince, lastEventId, pruneEvents } from "../registry/events.ts";
import type { Registry } from "../registry/open.ts";

export type { StoredEvent };

const KEEP_EVENTS = 50_000;
/** At most this many events are replayed to a resuming stream (more: it is told to resync). */
export const REPLAY_LIMIT = 10_000;

export type EventBus = ReturnType<typeof createEventBus>;

export function createEventBus(db: Registry) {
  const subscribers = new Set<(stored: StoredEvent) => void>();
  let writes = 0;

  /** Hands committed events to every subscriber, in order. */
  function broadcast(stored: StoredEvent[]): void {
    for (const item of stored) for (const subscriber of subscribers) subscriber(item);
    writes += stored.length;
    if (writes >= 1000) {
      writes = 0;
      void pruneEvents(db, KEEP_EVENTS).catch(() => undefined);
    }
  }

  /** Records and broadcasts events that change no registry row (e.g. the PBX's health). */
  async function publish(events: ConsoleEvent[]): Promise<void> {
    broadcast(await commit(db, { lease: null, settle: null, audit: null, events }));
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
    get subscriberCount() {
      return subscribers.size;
    },
  };
}
