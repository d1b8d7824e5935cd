// Live events written into the query cache: upserts, deletions, and memberships kept in step on both sides.
import type { Agent, ConsoleEvent, Queue, SessionUser } from "@crystal-console/api";
import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { agentKeys } from "../agents/queries.ts";
import { queueKeys } from "../queues/queries.ts";
import { applyEvent, applyEvents } from "./useLiveEvents.ts";

const supervisor: SessionUser = { username: "sup", role: "supervisor" };

function agent(id: string, changes: Partial<Agent> = {}): Agent {
  return {
    id,
    name: `Agent ${id}`,
    outQueueId: "2000",
    queueIds: [],
    status: "logged_off",
    extension: null,
    statusSince: "2026-01-01T00:00:00.000Z",
    statusBy: null,
    pauseReason: null,
    confirmed: true,
    ...changes,
  };
}

function setup(agents: Agent[], queues: Queue[]) {
  const client = new QueryClient();
  client.setQueryData(agentKeys.list(), agents);
  client.setQueryData(queueKeys.list(), queues);
  return {
    client,
    agents: () => client.getQueryData<Agent[]>(agentKeys.list()),
    queues: () => client.getQueryData<Queue[]>(queueKeys.list()),
  };
}

describe("applyEvent", () => {
  it("upserts an agent and brings the queues' member lists in step with it", () => {
    const cache = setup([agent("1")], [{ id: "2000", name: "Sales", agentIds: [] }]);
    applyEvent(
      cache.client,
      { type: "agent", agent: agent("1", { status: "online", queueIds: ["2000"] }) },
      supervisor,
    );
    expect(cache.agents()?.[0]?.status).toBe("online");
    expect(cache.queues()?.[0]?.agentIds).toEqual(["1"]);
    applyEvent(cache.client, { type: "agent", agent: agent("2") }, supervisor);
    expect(cache.agents()?.map((each) => each.id)).toEqual(["1", "2"]);
  });

  it("brings the agents' queue lists in step with a queue", () => {
    const cache = setup(
      [agent("1", { queueIds: ["2000"] }), agent("2")],
      [{ id: "2000", name: "Sales", agentIds: ["1"] }],
    );
    applyEvent(
      cache.client,
      { type: "queue", queue: { id: "2000", name: "Sales", agentIds: ["2"] } },
      supervisor,
    );
    expect(cache.agents()?.map((each) => each.queueIds)).toEqual([[], ["2000"]]);
  });

  it("removes deleted agents and queues from both lists", () => {
    const cache = setup(
      [agent("1", { queueIds: ["2000", "2001"] })],
      [
        { id: "2000", name: "Sales", agentIds: ["1"] },
        { id: "2001", name: "Support", agentIds: ["1"] },
      ],
    );
    applyEvent(cache.client, { type: "queueDeleted", queueId: "2001" }, supervisor);
    expect(cache.agents()?.[0]?.queueIds).toEqual(["2000"]);
    applyEvent(cache.client, { type: "agentDeleted", agentId: "1" }, supervisor);
    expect(cache.agents()).toEqual([]);
    expect(cache.queues()?.[0]?.agentIds).toEqual([]);
  });

  it("shows an agent nothing about other agents", () => {
    const cache = setup([agent("1")], []);
    const me: SessionUser = { username: "1", role: "agent", agentId: "1" };
    applyEvent(cache.client, { type: "agent", agent: agent("2", { status: "online" }) }, me);
    expect(cache.agents()?.map((each) => each.id)).toEqual(["1"]);
  });
});

describe("applyEvents", () => {
  it("applies a burst as the same events one by one would, writing the agents list once", () => {
    const events: ConsoleEvent[] = [
      { type: "agent", agent: agent("1", { status: "online", queueIds: ["2000"] }) },
      { type: "agent", agent: agent("3", { queueIds: ["2000"] }) },
      { type: "agent", agent: agent("1", { status: "paused", queueIds: [] }) },
      { type: "agent", agent: agent("4") },
      { type: "agentDeleted", agentId: "2" },
      { type: "agent", agent: agent("2", { status: "mission", queueIds: ["2000"] }) },
      { type: "agent", agent: agent("3", { status: "online", queueIds: ["2000"] }) },
    ];
    const start = (): [Agent[], Queue[]] => [
      [agent("1"), agent("2", { queueIds: ["2000"] })],
      [{ id: "2000", name: "Sales", agentIds: ["2"] }],
    ];
    const oneByOne = setup(...start());
    for (const event of events) applyEvent(oneByOne.client, event, supervisor);
    const burst = setup(...start());
    const agentsQuery = burst.client.getQueryCache().find({ queryKey: agentKeys.list(), exact: true });
    let writes = 0;
    burst.client.getQueryCache().subscribe((cacheEvent) => {
      if (cacheEvent.type === "updated" && cacheEvent.query === agentsQuery) writes += 1;
    });
    applyEvents(burst.client, events, supervisor);

    expect(burst.agents()).toEqual(oneByOne.agents());
    expect(burst.queues()).toEqual(oneByOne.queues());
    expect(burst.agents()?.map((each) => `${each.id}:${each.status}`)).toEqual([
      "1:paused",
      "3:online",
      "4:logged_off",
      "2:mission",
    ]);
    expect(burst.queues()?.[0]?.agentIds).toEqual(["3", "2"]);
    // One write for the run before the deletion, one for the deletion, one for the run after it.
    expect(writes).toBe(3);
  });

  it("keeps the agents a burst does not change", () => {
    const untouched = agent("2");
    const cache = setup([agent("1"), untouched], []);
    applyEvents(
      cache.client,
      [
        { type: "agent", agent: agent("1", { status: "online" }) },
        { type: "agent", agent: agent("1", { status: "mission" }) },
      ],
      supervisor,
    );
    expect(cache.agents()?.[0]?.status).toBe("mission");
    expect(cache.agents()?.[1]).toBe(untouched);
  });

  it("shows an agent nothing about other agents", () => {
    const cache = setup([agent("1")], []);
    const me: SessionUser = { username: "1", role: "agent", agentId: "1" };
    applyEvents(
      cache.client,
      [
        { type: "agent", agent: agent("2", { status: "online" }) },
        { type: "agent", agent: agent("1", { status: "online" }) },
      ],
      me,
    );
    expect(cache.agents()?.map((each) => `${each.id}:${each.status}`)).toEqual(["1:online"]);
  });
});
