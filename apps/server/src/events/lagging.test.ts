// A viewer that stops reading (issue 11, "fan-out couples viewers to writes"): the console passes it by, so
// every write and every other viewer go on as before; when it reads again it receives what it missed
// coalesced to the latest state per agent and queue, which ends in the same state as full delivery; and a
// viewer that resumes by Last-Event-ID after a coalesced delivery loses nothing that matters.
//
// A loopback socket takes about 4 MB before it pushes back, so the viewer is left behind with big events:
// 900 renames of a queue of 1,000 agents (each event lists them, about 8 KB: 7 MB in all), among state
// changes and assignments.
import { type IncomingMessage, request } from "node:http";
import type { Agent, ConsoleEvent, Queue } from "@crystal-console/api";
import { type PbxSim, startPbxSim } from "@crystal-console/pbx-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Client,
  SseReader,
  type SseEvent,
  type TestConsole,
  startTestConsole,
  defined,
} from "../test-support.ts";

const BIG_QUEUE = "7000";
const SMALL_QUEUE = "7001";
const MEMBERS = 1000;
const FIRST = 20_000;
const RENAMES = 900;

let sim: PbxSim;
let t: TestConsole;
let supervisor: Client;

beforeAll(async () => {
  // The simulator as a remote PBX without a state file: the embedded one saves its whole state on every
  // change, which at a thousand agents would be most of this test's time.
  sim = await startPbxSim({ host: "127.0.0.1", port: 0, secure: "lagging-test-secure" });
  t = await startTestConsole({ IMPORT_CONCURRENCY: "8", PBX_URL: sim.url, PBX_SECURE: sim.secure });
  await t.admin.createQueue(BIG_QUEUE, "Big");
  await t.admin.createQueue(SMALL_QUEUE, "Small");
  await t.admin.importCsv("agents", [
    "agent_id,agent_name,agent_pass,agent_out_q,queues",
    ...Array.from(
      { length: MEMBERS },
      (_, i) => `${FIRST + i},Agent ${FIRST + i},pw${i},${BIG_QUEUE},${BIG_QUEUE}`,
    ),
  ]);
  for (let i = 0; i < 20; i++) {
    const reply = await t.admin.state(String(FIRST + i), { action: "login", extension: String(200 + i) });
    expect(reply.status).toBe(200);
  }
  await t.admin.createSupervisor("sue");
  supervisor = t.client();
  await supervisor.signIn("sue", "supervisor-password-1");
}, 120_000);

afterAll(async () => {
  await t?.stop();
  await sim?.close();
});

/** A viewer on node:http whose reading the test pauses and resumes; it parses events as they come. */
class RawViewer {
  readonly events: SseEvent[] = [];
  private response!: IncomingMessage;
  private buffer = "";
  private readonly req;

  private constructor(client: Client, headers: Record<string, string>, connected: () => void) {
    const { hostname, port } = new URL(client.baseUrl);
    this.req = request(
      {
        hostname,
        port,
        path: "/api/events",
        headers: { cookie: defined(client.cookie, "a session cookie"), ...headers },
      },
      (response) => {
        this.response = response;
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          this.buffer += chunk;
          let end: number;
          while ((end = this.buffer.indexOf("\n\n")) !== -1) {
            const block = this.buffer.slice(0, end);
            this.buffer = this.buffer.slice(end + 2);
            if (block.startsWith(": connected")) connected();
            const field = (name: string) =>
              block
                .split("\n")
                .find((line) => line.startsWith(`${name}: `))
                ?.slice(name.length + 2);
            const data = field("data");
            if (data !== undefined) this.events.push({ id: field("id"), event: field("event"), data });
          }
        });
      },
    );
    this.req.on("error", () => undefined);
    this.req.end();
  }

  static open(client: Client, headers: Record<string, string> = {}): Promise<RawViewer> {
    return new Promise((resolve) => {
      const viewer: RawViewer = new RawViewer(client, headers, () => resolve(viewer));
    });
  }

  pause = () => this.response.pause();
  resume = () => this.response.resume();
  close = () => this.req.destroy();

  async waitFor(match: (event: SseEvent) => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.events.some(match)) {
      if (Date.now() > deadline) throw new Error(`no matching event within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

type State = Map<string, unknown>;

/** What a client knows after applying `events` in order: the latest agent and queue per id. */
function stateOf(events: SseEvent[], state: State = new Map()): State {
  for (const { data } of events) {
    const event = JSON.parse(data) as ConsoleEvent;
    if (event.type === "agent") state.set(`agent:${event.agent.id}`, event.agent);
    else if (event.type === "agentDeleted") state.delete(`agent:${event.agentId}`);
    else if (event.type === "queue") state.set(`queue:${event.queue.id}`, event.queue);
    else if (event.type === "queueDeleted") state.delete(`queue:${event.queueId}`);
  }
  return state;
}

const renamed = (round: number) => (event: SseEvent) =>
  event.event === "queue" && event.data.includes(`"name":"Round ${round}"`);
const isBigQueue = (event: SseEvent) => event.event === "queue" && event.data.includes(`"id":"${BIG_QUEUE}"`);

describe("a viewer that stops reading", () => {
  it("is passed by, then catches up coalesced to the same state; resuming after that loses nothing", async () => {
    const full = await SseReader.open(t.admin);
    const stalled = await RawViewer.open(supervisor);
    stalled.pause();

    // Writes while the viewer does not read: renames of the big queue, state changes, assignments.
    const statuses: number[] = [];
    for (let round = 1; round <= RENAMES; round++) {
      statuses.push(
        (
          await t.admin.call("PATCH /queues/:queueId", {
            params: { queueId: BIG_QUEUE },
            body: { name: `Round ${round}` },
          })
        ).status,
      );
      const agentId = String(FIRST + (round % 20));
      if (round % 3 === 0) statuses.push((await t.admin.state(agentId, { action: "pause" })).status);
      if (round % 3 === 1) statuses.push((await t.admin.state(agentId, { action: "online" })).status);
      if (round % 50 === 0)
        statuses.push(
          (
            await t.admin.call("PUT /queues/:queueId/agents/:agentId", {
              params: { queueId: SMALL_QUEUE, agentId },
            })
          ).status,
        );
      if (round % 75 === 0)
        statuses.push(
          (
            await t.admin.call("DELETE /queues/:queueId/agents/:agentId", {
              params: { queueId: SMALL_QUEUE, agentId },
            })
          ).status,
        );
    }
    expect(statuses.every((status) => status === 200 || status === 204)).toBe(true);

    // The other viewer got every change, one by one, while the stalled one still had not read.
    await full.waitFor(renamed(RENAMES), 20_000);
    expect(full.events.filter(isBigQueue)).toHaveLength(RENAMES);
    expect(stalled.events.some(renamed(RENAMES))).toBe(false);

    // It reads again: the rest arrives coalesced (fewer renames than were made), ids still increasing, and
    // its picture of every agent and queue is the full viewer's.
    stalled.resume();
    await stalled.waitFor(renamed(RENAMES));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const renames = stalled.events.filter(isBigQueue).length;
    expect(renames).toBeLessThan(RENAMES);
    const ids = stalled.events.map((event) => Number(event.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    const fullState = stateOf(full.events);
    expect(stateOf(stalled.events)).toEqual(fullState);
    // ...which is the registry's.
    for (const agent of await t.admin.agents()) {
      const known = fullState.get(`agent:${agent.id}`) as Agent | undefined;
      if (known) expect(known).toEqual(agent);
    }
    for (const queue of await t.admin.queues()) {
      const known = fullState.get(`queue:${queue.id}`) as Queue | undefined;
      if (known) expect(known).toEqual(queue);
    }

    // Cut the coalesced delivery anywhere and resume from there by Last-Event-ID: the same state again.
    const coalescedFrom = stalled.events.findIndex((event, i) => {
      const next = stalled.events[i + 1];
      return next !== undefined && Number(next.id) - Number(event.id) > 1;
    });
    expect(coalescedFrom).toBeGreaterThanOrEqual(0);
    const cuts = [
      coalescedFrom,
      Math.floor((coalescedFrom + stalled.events.length) / 2),
      stalled.events.length - 2,
    ];
    for (const cut of cuts) {
      const kept = stalled.events.slice(0, cut + 1);
      const resumed = await SseReader.open(supervisor, {
        "Last-Event-ID": defined(defined(kept.at(-1), "the last kept event").id, "its id"),
      });
      await resumed.waitFor(renamed(RENAMES), 10_000).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 200));
      resumed.close();
      expect(stateOf(resumed.events, stateOf(kept))).toEqual(fullState);
    }
    stalled.close();
    full.close();
  }, 120_000);
});
