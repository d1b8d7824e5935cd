// The live event fan-out behind GET /api/events (routes.ts): every open stream, and the one place that
// writes to them (docs/decisions/010-event-fanout-fanout.md).
//
// A committed change costs one push onto a shared list of recent events, whatever the number of viewers.
// At most every FLUSH_MS (longer when flushes get costly), one flush gives each stream what it has not had
// yet, in ONE write: streams at the same point with the same audience share the same bytes, built once. A
// stream whose reader has not taken its last write (its socket is full: a slow or stalled viewer) is skipped;
// it keeps its place, and when it reads again it gets what it missed coalesced to the latest state per agent
// and queue, each with the id of the newest event folded in, so Last-Event-ID resume stays exact. A stream
// left further behind than the list reaches gets a `resync` event (the SPA refetches), and one that takes
// nothing for STALL_MS is cut off. The heartbeat's pings go out with a flush too, in its slices.
// So a lagging viewer holds at most one write in memory and never slows a write or another viewer.
//
// Streams live as long as their session: every end the sessions module announces (sign-out, a disabled,
// deleted or changed user or agent, expiry) closes that session's streams at once. A session may have at
// most STREAMS_PER_SESSION open.
import { RESYNC_EVENT, alertKey, type ConsoleEvent, type SessionUser } from "@crystal-console/api";
import type { Logger } from "pino";
import { type EndedSessions, type Sessions, hashToken } from "../auth/sessions.ts";
import type { Metrics } from "../metrics.ts";
import { type EventBus, REPLAY_LIMIT, type StoredEvent } from "./bus.ts";

/** Events wait at most this long to leave together (one write per stream per flush)... */
const FLUSH_MS = 50;
/**
 * ...or longer when a flush itself takes long (a socket write costs 10-20 µs, and 1,000 viewers make 1,000 of
 * them): the next flush waits this many times the last one's cost, so writing to viewers never takes more
 * than about a quarter of the console's thread, whatever their number, and requests keep theirs. The cost is
 * the time the flush's slices ran (their writes included), not the time from its first slice to its last:
 * the requests served in between are not the flush's, and counting them once made one flush on a busy
 * moment hold the next one back for several times as long.
 */
const FLUSH_COST_FACTOR = 3;
/**
 * Streams written per turn of the event loop during a flush (a write costs 10-20 µs, more when the machine is
 * busy): a request that arrives during a flush waits behind one slice, about half a millisecond, not the whole.
 */
export const FLUSH_SLICE = 25;
/** Recent events kept for streams that lag; one further behind gets `resync`. */
const WINDOW = 5000;
export const HEARTBEAT_MS = 15_000;
/** A stream whose reader has taken nothing for this long is cut off (its browser reconnects and resumes). */
const STALL_MS = 60_000;
/** Open streams per session: a supervisor's tabs (a browser opens at most 6 per server over HTTP/1.1). */
export const STREAMS_PER_SESSION = 8;

const CONNECTED = Buffer.from(": connected\n\n");
const PING = Buffer.from(": ping\n\n");

/** One event as the streams send it: its frame built once (when first sent), and who may see it. */
export type Entry = {
  id: number;
  /** Events with the same key describe the same thing; a later one replaces an earlier unsent one. */
  key: string;
  readonly frame: Uint8Array;
  /** Besides staff, the one agent who may see it (its own state), or everyone (the PBX's health). */
  agentId: string | null;
  everyone: boolean;
};

export function entryOf({ id, event }: StoredEvent): Entry {
  let frame: Uint8Array | undefined;
  return {
    id,
    ...scopeOf(event),
    get frame() {
      return (frame ??= Buffer.from(
        `event: ${event.type}\ndata: ${JSON.stringify(event)}\nid: ${id}\n\n`,
        "utf8",
      ));
    },
  };
}

function scopeOf(event: ConsoleEvent): Pick<Entry, "key" | "agentId" | "everyone"> {
  switch (event.type) {
    case "agent":
      return { key: `agent:${event.agent.id}`, agentId: event.agent.id, everyone: false };
    case "agentDeleted":
      return { key: `agent:${event.agentId}`, agentId: event.agentId, everyone: false };
    case "queue":
      return { key: `queue:${event.queue.id}`, agentId: null, everyone: false };
    case "queueDeleted":
      return { key: `queue:${event.queueId}`, agentId: null, everyone: false };
    case "health":
      return { key: "health", agentId: null, everyone: true };
    case "import":
      return { key: `import:${event.job.jobId}`, agentId: null, everyone: false };
    case "alert":
      // Alerts name agents and queues: for the staff (and viewers), not for an agent's own page.
      return { key: `alert:${alertKey(event.alert)}`, agentId: null, everyone: false };
  }
}

/** Keeps the last entry per key, in id order: what a viewer that missed `entries` needs to be current. */
export function coalesce(entries: readonly Entry[]): Entry[] {
  const seen = new Set<string>();
  const kept: Entry[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    if (!entry || seen.has(entry.key)) continue;
    seen.add(entry.key);
    kept.push(entry);
  }
  return kept.reverse();
}

const resyncFrame = (id: number) =>
  Buffer.from(`event: ${RESYNC_EVENT}\ndata: {"type":"${RESYNC_EVENT}"}\nid: ${id}\n\n`, "utf8");

/** Staff see everything; an agent sees its own state and the PBX's health. */
type Audience = { staff: true } | { staff: false; agentId: string };
const audienceOf = (user: SessionUser): Audience =>
  user.role === "agent" ? { staff: false, agentId: user.agentId ?? "" } : { staff: true };
const audienceKey = (audience: Audience) => (audience.staff ? "*" : audience.agentId);
const sees = (audience: Audience, entry: Entry) =>
  audience.staff || entry.everyone || entry.agentId === audience.agentId;

type Stream = {
  user: SessionUser;
  audience: Audience;
  session: Session;
  controller: ReadableStreamDefaultController<Uint8Array>;
  /** Sequence number of the first shared entry it has not been given. */
  cursor: number;
  /** Until its replay is written, flushes pass it by. */
  replaying: boolean;
  /** Event ids up to this one went out in its replay (or are covered by its resync): not sent again. */
  skipUpTo: number;
  /** Its reader waits for bytes: the last write was taken by the socket. */
  ready: boolean;
  /** Since when it has had something to send but was not ready. */
  waitingSince: number | null;
};

type Session = { token: string; streams: Set<Stream>; timer: NodeJS.Timeout | null };

export function createEventStreams(deps: {
  bus: EventBus;
  sessions: Sessions;
  metrics: Metrics;
  log: Logger;
  closing: AbortSignal;
}) {
  /** The shared list of recent events; `base` is the sequence number of entries[0]. */
  let entries: Entry[] = [];
  let base = 0;
  /** Where the last flush ended: a stream behind it missed a flush, and gets its backlog coalesced. */
  let flushedTo = 0;
  let flushTimer: NodeJS.Timeout | null = null;
  let lastFlush = 0;
  let flushCost = 0;
  let flushing = false;
  /** Something asked for a flush while one was running. */
  let flushWanted = false;
  /** The heartbeat is due: the next flush pings every ready stream it gives nothing else. */
  let pingDue = false;
  const streams = new Set<Stream>();
  const sessions = new Map<string, Session>();
  const end = () => base + entries.length;

  deps.bus.subscribe((stored) => {
    // A stream only ever needs what came after it opened: with none open, nothing is kept.
    if (streams.size === 0) {
      base += entries.length + 1;
      entries = [];
      return;
    }
    entries.push(entryOf(stored));
    if (entries.length > WINDOW * 2) {
      base += entries.length - WINDOW;
      entries = entries.slice(-WINDOW);
    }
    schedule();
  });

  function schedule() {
    if (flushing) flushWanted = true;
    if (flushTimer || flushing || streams.size === 0) return;
    const interval = Math.max(FLUSH_MS, FLUSH_COST_FACTOR * flushCost);
    flushTimer = setTimeout(flush, Math.max(0, lastFlush + interval - performance.now()));
  }

  /**
   * Gives every stream what it has not had, FLUSH_SLICE streams at a time: between slices the event loop
   * serves requests, so a write never waits for a whole flush.
   */
  function flush() {
    flushTimer = null;
    flushing = true;
    flushWanted = false;
    const ping = pingDue;
    pingDue = false;
    lastFlush = performance.now();
    const to = end();
    // Bytes by (from, audience, coalesced), built once per flush however many streams send them.
    const built = new Map<string, Uint8Array | null>();
    const pending = [...streams];
    let cost = 0;
    const slice = () => {
      const started = performance.now();
      for (const stream of pending.splice(0, FLUSH_SLICE)) {
        if (!streams.has(stream) || give(stream, to, built)) continue;
        if (ping && stream.ready && !stream.replaying) write(stream, PING);
      }
      // The writes themselves run just after: the response bodies' readers in the microtasks queued before
      // this one, and the sockets' writes in the ticks those queue (Node corks a response until its next tick).
      queueMicrotask(() => process.nextTick(sliceDone, started));
    };
    const sliceDone = (started: number) => {
      cost += performance.now() - started;
      if (pending.length > 0) return void setImmediate(slice);
      flushedTo = to;
      flushCost = cost;
      deps.metrics.onSseFlush(cost);
      flushing = false;
      if (flushWanted || end() > to) schedule();
    };
    slice();
  }

  /** Writes the stream what it has not had up to `to`, if it is ready for it; whether anything was written. */
  function give(stream: Stream, to: number, built: Map<string, Uint8Array | null>): boolean {
    if (stream.replaying) return false;
    while (
      stream.cursor < to &&
      stream.cursor >= base &&
      (entries[stream.cursor - base]?.id ?? Infinity) <= stream.skipUpTo
    )
      stream.cursor += 1;
    if (stream.cursor >= to) return false;
    if (!stream.ready) {
      stream.waitingSince ??= Date.now();
      return false;
    }
    let bytes: Uint8Array | null | undefined;
    if (stream.cursor < base) {
      // Further behind than the shared list reaches: the viewer refetches instead.
      const newest = entries[Math.max(0, to - base - 1)];
      bytes = newest ? resyncFrame(newest.id) : null;
    } else {
      const lagging = stream.cursor < flushedTo;
      const key = `${stream.cursor}|${audienceKey(stream.audience)}|${lagging}`;
      bytes = built.get(key);
      if (bytes === undefined) {
        bytes = framesOf(entries.slice(stream.cursor - base, to - base), stream.audience, lagging);
        built.set(key, bytes);
      }
    }
    stream.cursor = to;
    if (bytes) write(stream, bytes);
    return bytes !== null;
  }

  /** The frames of the entries `audience` may see (the latest per key when `coalesced`), as one buffer. */
  function framesOf(from: readonly Entry[], audience: Audience, coalesced: boolean): Uint8Array | null {
    const visible = from.filter((entry) => sees(audience, entry));
    const sent = coalesced ? coalesce(visible) : visible;
    const [first] = sent;
    if (!first) return null;
    return sent.length === 1 ? first.frame : Buffer.concat(sent.map((entry) => entry.frame));
  }

  function write(stream: Stream, bytes: Uint8Array) {
    stream.controller.enqueue(bytes);
    stream.ready = false;
  }

  /** Ends a stream: cleanly (its reader sees the body end), or cut off (the connection is destroyed). */
  function close(stream: Stream, cutOff = false) {
    if (!streams.delete(stream)) return;
    const { session } = stream;
    session.streams.delete(stream);
    if (session.streams.size === 0) {
      if (session.timer) clearTimeout(session.timer);
      sessions.delete(hashToken(session.token));
    }
    deps.metrics.sseClients.dec();
    try {
      if (cutOff) stream.controller.error(new Error("the viewer stopped reading"));
      else stream.controller.close();
    } catch {
      // already cancelled by the viewer
    }
  }

  function closeSession(session: Session | undefined) {
    for (const stream of session?.streams ?? []) close(stream);
  }

  deps.sessions.onEnded((ended: EndedSessions) => {
    for (const hash of ended.tokenHashes ?? []) closeSession(sessions.get(hash));
    if (!ended.usernames?.length && !ended.agentIds?.length) return;
    const usernames = new Set(ended.usernames);
    const agentIds = new Set(ended.agentIds);
    for (const session of [...sessions.values()]) {
      const user = session.streams.values().next().value?.user;
      if (user && (usernames.has(user.username) || agentIds.has(user.agentId ?? ""))) closeSession(session);
    }
  });

  /** Looks the session up (which keeps it alive, and ends it if it expired); closes its streams if gone. */
  async function check(session: Session) {
    try {
      if (!(await deps.sessions.lookup(session.token))) closeSession(session);
    } catch (error) {
      deps.log.warn({ err: String(error) }, "event stream: session check failed");
    }
  }

  /** A timer at the moment the session would expire, so its streams end then, not at the next heartbeat. */
  function watchExpiry(session: Session) {
    const at = deps.sessions.expiresAt(session.token);
    if (at === null) return;
    session.timer = setTimeout(
      () => {
        session.timer = null;
        void check(session).then(() => {
          if (session.streams.size > 0) watchExpiry(session);
        });
      },
      Math.min(Math.max(0, at - Date.now()) + 1, 2 ** 31 - 1),
    );
    session.timer.unref();
  }

  // The pings go out with a flush, in its slices: 1,000 streams pinged at once would hold requests up too.
  const heartbeat = setInterval(() => {
    const now = Date.now();
    for (const stream of streams)
      if (!stream.ready && now - (stream.waitingSince ??= now) > STALL_MS) close(stream, true);
    pingDue = true;
    schedule();
    for (const session of sessions.values()) void check(session);
  }, HEARTBEAT_MS);
  heartbeat.unref();

  deps.closing.addEventListener(
    "abort",
    () => {
      clearInterval(heartbeat);
      if (flushTimer) clearTimeout(flushTimer);
      for (const stream of [...streams]) close(stream);
    },
    { once: true },
  );

  /** Sends a resuming stream what it missed (coalesced), or `resync` when that is more than the log replays. */
  async function replay(stream: Stream, lastEventId: number) {
    try {
      const missed = lastEventId > 0 ? await deps.bus.since(lastEventId) : [];
      const newest = missed.at(-1);
      if (!streams.has(stream)) return;
      if (missed.length >= REPLAY_LIMIT) {
        stream.skipUpTo = await deps.bus.lastId();
        if (streams.has(stream)) write(stream, resyncFrame(stream.skipUpTo));
      } else if (newest) {
        stream.skipUpTo = newest.id;
        const bytes = framesOf(missed.map(entryOf), stream.audience, true);
        if (bytes) write(stream, bytes);
      }
    } catch (error) {
      deps.log.warn({ err: String(error) }, "event stream: replay failed");
      close(stream, true);
      return;
    }
    stream.replaying = false;
    schedule();
  }

  return {
    /** Whether the session may open one more stream. */
    hasRoom(token: string): boolean {
      return (sessions.get(hashToken(token))?.streams.size ?? 0) < STREAMS_PER_SESSION;
    },

    /**
     * A new stream's body: `: connected`, then what it missed since `lastEventId` (0: nothing), then every
     * change as it is committed, until the viewer goes, the session ends or the server shuts down.
     */
    open(user: SessionUser, token: string, lastEventId: number): ReadableStream<Uint8Array> {
      const hash = hashToken(token);
      let session = sessions.get(hash);
      if (!session) {
        session = { token, streams: new Set(), timer: null };
        sessions.set(hash, session);
        watchExpiry(session);
      }
      const owner = session;
      let stream!: Stream;
      return new ReadableStream<Uint8Array>(
        {
          start(controller) {
            // Subscribed (given a place in the shared list) before the replay is read, so nothing committed
            // in between is lost; what both carry is skipped by id.
            stream = {
              user,
              audience: audienceOf(user),
              session: owner,
              controller,
              cursor: end(),
              replaying: true,
              // What it saw before: on another instance, whose log reader may be ahead of this one's.
              skipUpTo: lastEventId,
              ready: false,
              waitingSince: null,
            };
            streams.add(stream);
            owner.streams.add(stream);
            deps.metrics.sseClients.inc();
            write(stream, CONNECTED);
            void replay(stream, lastEventId);
          },
          pull() {
            stream.ready = true;
            stream.waitingSince = null;
            if (stream.cursor < end()) schedule();
          },
          cancel() {
            close(stream);
          },
        },
        // Nothing is queued ahead of the reader: pull() is the signal that the socket took the last write.
        new ByteLengthQueuingStrategy({ highWaterMark: 0 }),
      );
    },
  };
}
