// The board's view made from the last one on each live flush (boardRows.ts) is the view built from
// nothing: on random bursts of changes, for every sort and filter, and across a deletion and a refetch.
import type { Agent, AgentStatus } from "@crystal-console/api";
import { describe, expect, it } from "vitest";
import {
  NO_QUEUE,
  buildBoardRows,
  nextBoardRows,
  type BoardRows,
  type RowsQuery,
  type SortKey,
} from "../src/features/agents/boardRows.ts";

const statuses: AgentStatus[] = ["online", "paused", "mission", "logged_off"];
const names = ["Dana", "dana", "Ёлка", "אבי", "Zoe", "Émile", "Omar"];
const queueIds = ["3000", "3001", "3002"];

/** A small, seeded pseudo-random source (mulberry32), so that a failure can be run again. */
function random(seed: number) {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  return { next, pick };
}

type Random = ReturnType<typeof random>;

function randomAgent(id: string, rnd: Random): Agent {
  const status = rnd.pick(statuses);
  return {
    id,
    // Equal names (and equal times) are common: the order must still be one order.
    name: `${rnd.pick(names)} ${Math.floor(rnd.next() * 3)}`,
    outQueueId: "3000",
    queueIds: queueIds.filter(() => rnd.next() < 0.4),
    status,
    extension: status === "logged_off" ? null : String(100 + Math.floor(rnd.next() * 50)),
    statusSince: new Date(Date.UTC(2026, 11, 1, 8, Math.floor(rnd.next() * 20))).toISOString(),
    statusBy: null,
    pauseReason: status === "paused" ? "Break" : null,
    confirmed: rnd.next() < 0.9,
  };
}

/** A burst as the live events write it: some agents replaced in place, now and then one appended. */
function burst(agents: readonly Agent[], rnd: Random, nextId: () => string): Agent[] {
  const next = agents.slice();
  const size = 1 + Math.floor(rnd.next() * 8);
  for (let k = 0; k < size; k++) {
    if (rnd.next() < 0.1) next.push(randomAgent(nextId(), rnd));
    else {
      const index = Math.floor(rnd.next() * next.length);
      const agent = next[index];
      if (agent)
        next[index] = { ...randomAgent(agent.id, rnd), name: rnd.next() < 0.7 ? agent.name : "Renamed" };
    }
  }
  return next;
}

const ids = (view: BoardRows) => view.rows.map((agent) => agent.id);

function expectSameView(made: BoardRows, built: BoardRows) {
  expect(ids(made)).toEqual(ids(built));
  expect(made.rows).toEqual(built.rows);
  expect(made.counts).toEqual(built.counts);
  expect([...made.byId].sort()).toEqual([...built.byId].sort());
}

const sortKeys: SortKey[] = ["id", "name", "status", "since", "extension"];
const queries: RowsQuery[] = [
  ...sortKeys.flatMap((key) =>
    (["ascending", "descending"] as const).map((direction) => ({
      needle: "",
      status: "" as const,
      queue: "",
      sort: { key, direction },
    })),
  ),
  { needle: "", status: "paused", queue: "", sort: { key: "since", direction: "ascending" } },
  { needle: "", status: "", queue: "3001", sort: { key: "name", direction: "ascending" } },
  { needle: "", status: "", queue: NO_QUEUE, sort: { key: "status", direction: "descending" } },
  { needle: " DANA ", status: "online", queue: "", sort: { key: "id", direction: "ascending" } },
  { needle: "1002", status: "", queue: "3000", sort: { key: "extension", direction: "descending" } },
];

describe("nextBoardRows", () => {
  it.each(queries.map((query, index) => [index, query] as const))(
    "makes from the last view what a full rebuild makes, over 300 random bursts (query %i)",
    (index, query) => {
      const rnd = random(1000 + index);
      let last = 10_000 + 400;
      const nextId = () => String(last++);
      let agents = Array.from({ length: 400 }, (_, i) => randomAgent(String(10_000 + i), rnd));
      let view = buildBoardRows(agents, query);
      for (let step = 0; step < 300; step++) {
        agents = burst(agents, rnd, nextId);
        view = nextBoardRows(view, agents, query);
        expectSameView(view, buildBoardRows(agents, query));
      }
    },
  );

  it("keeps the agents and the rows it is not asked to change, and returns the same view for the same list", () => {
    const rnd = random(7);
    const query = queries[0] as RowsQuery;
    const agents = Array.from({ length: 50 }, (_, i) => randomAgent(String(10_000 + i), rnd));
    const first = buildBoardRows(agents, query);
    expect(nextBoardRows(first, agents, query)).toBe(first);
    // A new query object with the same fields is the same query.
    expect(nextBoardRows(first, agents, { ...query, sort: { ...query.sort } })).toBe(first);
    const changed = agents.slice();
    changed[3] = { ...(agents[3] as Agent), status: "mission" };
    const next = nextBoardRows(first, changed, query);
    expect(next).not.toBe(first);
    expect(next.rows.filter((agent, index) => agent !== first.rows[index]).map((agent) => agent.id)).toEqual([
      "10003",
    ]);
  });

  it("follows a deletion, a refetch (every agent a new object) and a new query", () => {
    const rnd = random(11);
    const query: RowsQuery = {
      needle: "",
      status: "",
      queue: "",
      sort: { key: "name", direction: "ascending" },
    };
    const agents = Array.from({ length: 300 }, (_, i) => randomAgent(String(10_000 + i), rnd));
    let view = buildBoardRows(agents, query);
    const deleted = agents.filter((agent) => agent.id !== "10150");
    view = nextBoardRows(view, deleted, query);
    expectSameView(view, buildBoardRows(deleted, query));
    expect(view.byId.has("10150")).toBe(false);
    const refetched = deleted.map((agent) => ({ ...agent, status: "online" as const }));
    view = nextBoardRows(view, refetched, query);
    expectSameView(view, buildBoardRows(refetched, query));
    expect(view.counts.online).toBe(299);
    const online: RowsQuery = { ...query, status: "paused" };
    view = nextBoardRows(view, refetched, online);
    expect(view.rows).toEqual([]);
  });
});
