// GET /api/events: every open stream gets each committed change quickly; Last-Event-ID resumes exactly where a
// client left off; an agent's stream carries only its own state.
import type { ConsoleEvent } from "@crystal-console/api";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type Client,
  SseReader,
  type SseEvent,
  type TestConsole,
  startTestConsole,
  defined,
} from "../test-support.ts";

let t: TestConsole;
let supervisor: Client;
let agent: Client;
const open: SseReader[] = [];
let nextQueue = 2100;
const freshQueue = () => String(++nextQueue);

async function stream(client: Client, headers: Record<string, string> = {}) {
  const reader = await SseReader.open(client, headers);
  open.push(reader);
  return reader;
}

const parse = (event: SseEvent) => JSON.parse(event.data) as ConsoleEvent;
const isQueue = (id: string) => (event: SseEvent) =>
  event.event === "queue" && (parse(event) as { queue?: { id: string } }).queue?.id === id;

beforeAll(async () => {
  t = await startTestConsole();
  await t.admin.createQueue("2000", "Sales");
  await t.admin.createAgent("1001", "2000", "pw-1001");
  await t.admin.createAgent("1002", "2000", "pw-1002");
  await t.admin.createSupervisor("sue");
  supervisor = t.client();
  await supervisor.signIn("sue", "supervisor-password-1");
  agent = t.client();
  await agent.signIn("1001", "pw-1001");
});

afterEach(() => {
  for (const reader of open.splice(0)) reader.close();
});

afterAll(async () => {
  await t?.stop();
});

describe("live events", () => {
  it("two clients both receive a change within a second, with an id, its type and its data", async () => {
    const first = await stream(t.admin);
    const second = await stream(supervisor);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    const id = freshQueue();
    const started = Date.now();
    expect((await t.admin.call("POST /queues", { body: { id, name: "Live" } })).status).toBe(201);
    const [a, b] = await Promise.all([first.waitFor(isQueue(id), 1000), second.waitFor(isQueue(id), 1000)]);
    expect(Date.now() - started).toBeLessThan(1000);
    for (const event of [a, b]) {
      expect(event.id).toMatch(/^\d+$/);
      expect(parse(event)).toEqual({ type: "queue", queue: { id, name: "Live", agentIds: [] } });
    }
    expect(a.id).toBe(b.id);
  });

  it("a state change reaches viewers as an agent event with the new state", async () => {
    const reader = await stream(supervisor);
    expect((await t.admin.state("1002", { action: "login", extension: "520" })).status).toBe(200);
    const event = await reader.waitFor((e) => e.event === "agent" && e.data.includes('"1002"'), 1000);
    expect(parse(event)).toMatchObject({
      type: "agent",
      agent: { id: "1002", status: "online", extension: "520" },
    });
    expect((await t.admin.state("1002", { action: "logoff" })).status).toBe(200);
  });

  it("the stream is text/event-stream and is served without a PBX call", async () => {
    t.pbx.clearCalls();
    const response = await fetch(`${t.url}/api/events`, {
      headers: { cookie: defined(t.admin.cookie, "a session cookie") },
    });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    await response.body?.cancel();
    expect(t.pbx.calls()).toEqual([]);
  });

  it("a client resuming with Last-Event-ID gets the latest of everything it missed, in order", async () => {
    const reader = await stream(supervisor);
    const marker = freshQueue();
    await t.admin.createQueue(marker);
    const seen = await reader.waitFor(isQueue(marker));
    reader.close();

    // Missed while disconnected: a new queue, a new agent, an assignment (agent + queue events).
    const missedQueue = freshQueue();
    await t.admin.createQueue(missedQueue, "Missed");
    await t.admin.createAgent("1003", missedQueue);
    expect(
      (
        await t.admin.call("PUT /queues/:queueId/agents/:agentId", {
          params: { queueId: missedQueue, agentId: "1003" },
        })
      ).status,
    ).toBe(200);

    const resumed = await stream(supervisor, { "Last-Event-ID": defined(seen.id, "seen's id") });
    await resumed.waitFor((e) => e.event === "queue" && e.data.includes('"agentIds":["1003"]'));
    // Give anything extra a moment to show up, then compare with the event log.
    await new Promise((resolve) => setTimeout(resolve, 150));
    const logged = await t.deps.db
      .selectFrom("events")
      .select(["id", "type", "data"])
      .where("id", ">", Number(seen.id))
      .orderBy("id")
      .execute();
    // What was missed comes coalesced: the newest event per agent and per queue, each with its own id, in
    // id order. Agent 1003's creation is folded into its assignment.
    expect(resumed.events.map((event) => [Number(event.id), event.event])).toEqual([
      [defined(logged[2], "logged[2]").id, "agent"],
      [defined(logged[3], "logged[3]").id, "queue"],
    ]);
    expect(logged.map((row) => row.type)).toEqual(["queue", "agent", "agent", "queue"]);
    expect(resumed.events.map((event) => event.data)).toEqual([
      defined(logged[2], "logged[2]").data,
      defined(logged[3], "logged[3]").data,
    ]);
    expect(parse(defined(resumed.events[0], "resumed.events[0]"))).toMatchObject({
      agent: { id: "1003", queueIds: [missedQueue] },
    });
    expect(parse(defined(resumed.events[1], "resumed.events[1]"))).toMatchObject({
      queue: { id: missedQueue, name: "Missed", agentIds: ["1003"] },
    });
  });

  it("a client without Last-Event-ID gets only what happens after it connects", async () => {
    const before = freshQueue();
    await t.admin.createQueue(before);
    const reader = await stream(supervisor);
    const after = freshQueue();
    await t.admin.createQueue(after);
    await reader.waitFor(isQueue(after));
    expect(reader.events.some(isQueue(before))).toBe(false);
  });

  it("an agent's stream carries its own state only, not other agents' or queues'", async () => {
    const reader = await stream(agent);
    expect(reader.status).toBe(200);
    await t.admin.state("1002", { action: "login", extension: "530" });
    await t.admin.createQueue(freshQueue());
    await t.admin.call("PATCH /agents/:id", { params: { id: "1002" }, body: { name: "Someone Else" } });
    await t.admin.state("1001", { action: "login", extension: "531" });
    const own = await reader.waitFor((e) => e.event === "agent");
    expect(parse(own)).toMatchObject({
      type: "agent",
      agent: { id: "1001", status: "online", extension: "531" },
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const event of reader.events) {
      expect(["agent", "agentDeleted", "health"]).toContain(event.event);
      expect(event.data).not.toContain('"1002"');
      expect(event.data).not.toContain("Someone Else");
    }
    await t.admin.state("1001", { action: "logoff" });
    await t.admin.state("1002", { action: "logoff" });
  });

  it("an agent resuming with Last-Event-ID is replayed only its own events", async () => {
    const reader = await stream(agent);
    await t.admin.call("PATCH /agents/:id", { params: { id: "1001" }, body: { name: "Me Myself" } });
    const mine = await reader.waitFor((e) => e.event === "agent" && e.data.includes("Me Myself"));
    reader.close();
    await t.admin.call("PATCH /agents/:id", { params: { id: "1002" }, body: { name: "Not Me" } });
    await t.admin.call("PATCH /agents/:id", { params: { id: "1001" }, body: { name: "Me Again" } });
    const resumed = await stream(agent, { "Last-Event-ID": defined(mine.id, "mine's id") });
    await resumed.waitFor((e) => e.data.includes("Me Again"));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(resumed.events).toHaveLength(1);
    expect(parse(defined(resumed.events[0], "resumed.events[0]"))).toMatchObject({
      type: "agent",
      agent: { id: "1001", name: "Me Again" },
    });
  });
});
