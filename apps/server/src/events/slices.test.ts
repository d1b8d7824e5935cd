// A flush writes FLUSH_SLICE streams per turn of the event loop (streams.ts), so that requests are served
// between slices. Changes committed while a flush is between two slices must still reach every stream, once
// each, in id order: neither the streams of the later slices (which are written after those changes were
// committed) nor those of the earlier ones may skip, repeat or reorder an event. And a stream that leaves in
// the middle and resumes by Last-Event-ID gets exactly what came after the last event it saw.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type Client, SseReader, type TestConsole, defined, startTestConsole } from "../test-support.ts";
import { FLUSH_SLICE, HEARTBEAT_MS, STREAMS_PER_SESSION, createEventStreams } from "./streams.ts";

/** Enough streams for four slices and a part of a fifth. */
const STREAMS = 4 * FLUSH_SLICE + 3;
const QUEUES = 40;

let t: TestConsole;
let sue: Client;
const readers: SseReader[] = [];

beforeAll(async () => {
  t = await startTestConsole();
  await t.admin.createSupervisor("sue");
  const sessions: Client[] = [];
  for (let i = 0; i < Math.ceil(STREAMS / STREAMS_PER_SESSION); i++) {
    const client = t.client();
    await client.signIn("sue", "supervisor-password-1");
    sessions.push(client);
  }
  sue = defined(sessions[0], "a session");
  for (let i = 0; i < STREAMS; i++)
    readers.push(await SseReader.open(defined(sessions[i % sessions.length], "a session")));
}, 60_000);

afterAll(async () => {
  for (const reader of readers) reader.close();
  await t?.stop();
});

/** The event log after `afterId`, as a stream should carry it: id, type and data. */
async function loggedAfter(afterId: number) {
  const rows = await t.deps.db
    .selectFrom("events")
    .select(["id", "type", "data"])
    .where("id", ">", afterId)
    .orderBy("id")
    .execute();
  return rows.map((row) => [String(row.id), row.type, row.data]);
}

const carried = (reader: SseReader) => reader.events.map((event) => [event.id, event.event, event.data]);

describe("a flush in slices", () => {
  it("every stream gets every change made during the flushes, once, in id order", async () => {
    expect(readers.every((reader) => reader.status === 200)).toBe(true);
    const before = Number((await loggedAfter(0)).at(-1)?.[0] ?? 0);
    // All at once: their commits land while flushes are between slices.
    const created = await Promise.all(
      Array.from({ length: QUEUES }, (_, i) =>
        t.admin.call("POST /queues", { body: { id: String(5000 + i), name: `Q${i}` } }),
      ),
    );
    expect(created.map((reply) => reply.status)).toEqual(Array.from({ length: QUEUES }, () => 201));
    const logged = await loggedAfter(before);
    expect(logged).toHaveLength(QUEUES);
    const last = defined(logged.at(-1), "the last event")[0];
    await Promise.all(readers.map((reader) => reader.waitFor((event) => event.id === last, 5000)));
    for (const reader of readers) expect(carried(reader)).toEqual(logged);
  });

  it("a stream that leaves mid-way and resumes by Last-Event-ID gets exactly what came after", async () => {
    const leaving = defined(readers[2 * FLUSH_SLICE + 1], "a stream of the third slice");
    const before = Number(defined(leaving.events.at(-1), "its last event").id);
    const writes = Array.from({ length: QUEUES }, (_, i) =>
      t.admin.call("PATCH /queues/:queueId", {
        params: { queueId: String(5000 + i) },
        body: { name: `R${i}` },
      }),
    );
    // Leaves as soon as it has seen a few of them, while the rest are still being made.
    await leaving.waitFor((event) => Number(event.id) > before + 3, 5000);
    leaving.close();
    const seen = Number(defined(leaving.events.at(-1), "the last event it saw").id);
    expect((await Promise.all(writes)).every((reply) => reply.status === 200)).toBe(true);
    const resumed = await SseReader.open(defined(t.admin, "a client"), { "Last-Event-ID": String(seen) });
    readers.push(resumed);
    const logged = await loggedAfter(before);
    const last = defined(logged.at(-1), "the last event")[0];
    await resumed.waitFor((event) => event.id === last, 5000);
    // Each rename is its own queue's newest event: nothing to coalesce, so the two parts are the log.
    expect([...carried(leaving).filter(([id]) => Number(id) > before), ...carried(resumed)]).toEqual(logged);
    for (const reader of readers.filter((r) => r !== leaving && r !== resumed)) {
      await reader.waitFor((event) => event.id === last, 5000);
      expect(carried(reader).filter(([id]) => Number(id) > before)).toEqual(logged);
    }
  });

  it("a flush's cost is its slices' own time: what runs between them is not counted (decision 039)", async () => {
    // A fan-out of its own, on the console's bus and sessions, reporting each flush's cost.
    const closing = new AbortController();
    const costs: number[] = [];
    const metrics = { ...t.deps.metrics, onSseFlush: (ms: number) => costs.push(ms) };
    try {
      const streams = createEventStreams({ ...t.deps, metrics, closing: closing.signal });
      const token = decodeURIComponent(defined(sue.cookie?.split("=")[1], "sue's session token"));
      const user = { username: "sue", role: "supervisor" } as const;
      const decoder = new TextDecoder();
      // Each body read as the server's response writer reads it; the time each first carries "S".
      const arrived: number[] = [];
      for (let i = 0; i < STREAMS; i++) {
        const body = streams.open(user, token, 0).getReader();
        void (async () => {
          for (;;) {
            const { done, value } = await body.read();
            if (done) return;
            if (decoder.decode(value).includes('"name":"S"')) return void arrived.push(performance.now());
          }
        })();
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      costs.length = 0;
      // Other work between the slices: once the first stream has the event, 40 ms of it per turn of the
      // event loop until the last one has it.
      const busy = () => {
        const until = performance.now() + 40;
        while (performance.now() < until);
        if (arrived.length < STREAMS) setImmediate(busy);
      };
      const renamed = t.admin.call("PATCH /queues/:queueId", {
        params: { queueId: "5000" },
        body: { name: "S" },
      });
      while (arrived.length === 0) await new Promise((resolve) => setImmediate(resolve));
      busy();
      expect((await renamed).status).toBe(200);
      while (arrived.length < STREAMS) await new Promise((resolve) => setTimeout(resolve, 5));
      const [first = 0, last = 0] = [arrived[0], arrived.at(-1)];
      // The flush took several turns of 40 ms from first stream to last...
      expect(last - first).toBeGreaterThan(3 * 40);
      // ...and its cost is what its slices took, far less than one of those turns.
      expect(costs.length).toBeGreaterThan(0);
      expect(Math.max(...costs)).toBeLessThan(40);
    } finally {
      closing.abort();
    }
  });

  it("the heartbeat pings every stream once, FLUSH_SLICE streams per turn of the event loop", async () => {
    // A fan-out of its own on the console's bus and sessions, whose heartbeat the test fires.
    vi.useFakeTimers({ toFake: ["setInterval"] });
    const closing = new AbortController();
    try {
      const streams = createEventStreams({ ...t.deps, closing: closing.signal });
      const token = decodeURIComponent(defined(sue.cookie?.split("=")[1], "sue's session token"));
      const user = { username: "sue", role: "supervisor" } as const;
      const bodies = Array.from({ length: STREAMS }, () => streams.open(user, token, 0).getReader());
      const decoder = new TextDecoder();
      const next = async (reader: (typeof bodies)[number]) => decoder.decode((await reader.read()).value);
      for (const body of bodies) expect(await next(body)).toBe(": connected\n\n");
      // Each reader waits for bytes (as the server's response writer does), so every stream is ready. Each
      // ping is stamped with the turn of the event loop it arrived in.
      let turn = 0;
      let counting = true;
      const count = () => {
        turn += 1;
        if (counting) setImmediate(count);
      };
      const pings = bodies.map((body) => next(body).then((text) => ({ text, turn })));
      await new Promise((resolve) => setImmediate(resolve));
      count();
      vi.advanceTimersByTime(HEARTBEAT_MS);
      const arrived = await Promise.all(pings);
      counting = false;
      expect(arrived.map((ping) => ping.text)).toEqual(bodies.map(() => ": ping\n\n"));
      // Not all in one go: FLUSH_SLICE streams per turn, requests served in between.
      expect(new Set(arrived.map((ping) => ping.turn)).size).toBeGreaterThanOrEqual(
        Math.ceil(STREAMS / FLUSH_SLICE),
      );
      // Nothing more was written: the next read is still waiting when a new event arrives with its frame.
      const renamed = t.admin.call("PATCH /queues/:queueId", {
        params: { queueId: "5000" },
        body: { name: "P" },
      });
      const [first] = await Promise.all([next(defined(bodies[0], "a stream")), renamed]);
      expect(first).toMatch(/^event: queue\ndata: .*"name":"P"/);
    } finally {
      closing.abort();
      vi.useRealTimers();
    }
  });
});
