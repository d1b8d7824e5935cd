// coalesce() (streams.ts): what a lagging viewer is sent instead of everything it missed. For any sequence of
// events, the coalesced one ends in the same state; and cut anywhere, then resumed by Last-Event-ID (the
// server replays what came after the cut, coalesced too), it still ends in the same state.
import type { Agent, ConsoleEvent } from "@crystal-console/api";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Entry, coalesce, entryOf } from "./streams.ts";
import { defined } from "../test-support.ts";

const agent = (id: string, version: number): Agent => ({
  id,
  name: `Agent ${id} v${version}`,
  outQueueId: "2000",
  queueIds: version % 2 ? ["2000"] : [],
  status: version % 3 ? "online" : "paused",
  extension: null,
  statusSince: "2026-12-01T09:00:00.000Z",
  statusBy: null,
  pauseReason: null,
  confirmed: true,
});

type MakeEvent = (version: number) => ConsoleEvent;
const eventArb: fc.Arbitrary<MakeEvent> = fc.oneof(
  fc.constantFrom("1", "2", "3").map((id): MakeEvent => (v) => ({ type: "agent", agent: agent(id, v) })),
  fc.constantFrom("1", "2").map((id): MakeEvent => () => ({ type: "agentDeleted", agentId: id })),
  fc
    .constantFrom("2000", "2001")
    .map((id): MakeEvent => (v) => ({ type: "queue", queue: { id, name: `Queue v${v}`, agentIds: [] } })),
  fc.constantFrom("2001").map((id): MakeEvent => () => ({ type: "queueDeleted", queueId: id })),
  fc.constant<MakeEvent>((v) => ({
    type: "health",
    pbx: { mode: "embedded", reachable: v % 2 === 0, lastOkAt: null, lastError: null },
  })),
);

/** Events with increasing ids, with gaps as a sequence may leave them. */
const entriesArb = fc
  .array(fc.tuple(eventArb, fc.integer({ min: 1, max: 3 })), { maxLength: 60 })
  .map((items) => {
    let id = 0;
    return items.map(([make, gap], version) => entryOf({ id: (id += gap), event: make(version) }));
  });

/** A viewer's final picture: the last event it applied for each thing. */
const stateOf = (entries: readonly Entry[]) =>
  new Map(entries.map((entry) => [entry.key, Buffer.from(entry.frame).toString()]));

describe("coalesce", () => {
  it("keeps the newest event per agent, queue and job, in id order, and ends in the same state", () => {
    fc.assert(
      fc.property(entriesArb, (entries) => {
        const kept = coalesce(entries);
        expect(stateOf(kept)).toEqual(stateOf(entries));
        expect(new Set(kept.map((entry) => entry.key)).size).toBe(kept.length);
        const ids = kept.map((entry) => entry.id);
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
        for (const entry of kept)
          expect(entry.id).toBe(
            defined(entries.filter((e) => e.key === entry.key).at(-1), "its key's last entry").id,
          );
      }),
    );
  });

  it("cut anywhere and resumed from the last id received, it still ends in the same state", () => {
    fc.assert(
      fc.property(entriesArb, fc.nat(), (entries, at) => {
        const kept = coalesce(entries);
        fc.pre(kept.length > 0);
        const received = kept.slice(0, (at % kept.length) + 1);
        const lastId = defined(received.at(-1), "the last of received").id;
        const replayed = coalesce(entries.filter((entry) => entry.id > lastId));
        expect(stateOf([...received, ...replayed])).toEqual(stateOf(entries));
      }),
    );
  });

  it("an agent's deletion replaces its earlier unsent state, and its state after a deletion wins", () => {
    const entries = [
      entryOf({ id: 1, event: { type: "agent", agent: agent("1", 1) } }),
      entryOf({ id: 2, event: { type: "queue", queue: { id: "2000", name: "Q", agentIds: [] } } }),
      entryOf({ id: 3, event: { type: "agentDeleted", agentId: "1" } }),
    ];
    expect(coalesce(entries).map((entry) => entry.id)).toEqual([2, 3]);
    expect(
      coalesce([...entries, entryOf({ id: 4, event: { type: "agent", agent: agent("1", 2) } })]).map(
        (e) => e.id,
      ),
    ).toEqual([2, 4]);
  });
});
