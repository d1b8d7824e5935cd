// Two consoles on one PostgreSQL database with one PBX, as a fleet behind a load balancer (issue 11): every
// change reaches both instances' event streams in one global order, each event once, and a stream resumes on
// either instance; a session that ends on one ends on the other at once, streams included; the sign-in limiter
// counts across both; health, metrics and logs name the instance (docs/decisions/021-instances-fleet.md).
import { PassThrough } from "node:stream";
import { type PbxSim, startPbxSim } from "@crystal-console/pbx-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresDatabase } from "../test-database.ts";
import {
  Client,
  SUPERVISOR_PASSWORD,
  SseReader,
  type SseEvent,
  type TestConsole,
  defined,
  ended,
  eventually,
  startTestConsole,
} from "../test-support.ts";

let sim: PbxSim;
let a: TestConsole;
let b: TestConsole;
const logA: string[] = [];
const open: SseReader[] = [];

beforeAll(async () => {
  sim = await startPbxSim({ port: 0 });
  const databaseUrl = await createPostgresDatabase();
  const env = { DATABASE_URL: databaseUrl, PBX_URL: sim.url, PBX_SECURE: sim.secure, METRICS: "true" };
  const lines = new PassThrough();
  lines.on("data", (chunk: Buffer) => logA.push(...chunk.toString("utf8").split("\n").filter(Boolean)));
  a = await startTestConsole({ ...env, LOG_LEVEL: "info" }, { logDestination: lines });
  b = await startTestConsole(env);
  await a.admin.createQueue("5000");
});

afterAll(async () => {
  for (const reader of open) reader.close();
  await Promise.all([a?.stop(), b?.stop()]);
  await sim?.close();
});

async function stream(client: Client, headers: Record<string, string> = {}): Promise<SseReader> {
  const reader = await SseReader.open(client, headers);
  open.push(reader);
  expect(reader.status).toBe(200);
  return reader;
}

/** The same session (cookie) on another instance, as a load balancer that does not pin sessions sends it. */
function sameSessionOn(instance: TestConsole, client: Client): Client {
  const other = new Client(instance.url);
  other.cookie = client.cookie;
  return other;
}

async function supervisorOn(instance: TestConsole, username: string): Promise<Client> {
  await a.admin.createSupervisor(username);
  const client = instance.client();
  expect((await client.signIn(username, SUPERVISOR_PASSWORD)).status).toBe(200);
  return client;
}

const ids = (events: SseEvent[]) => events.filter((e) => e.id !== undefined).map((e) => Number(e.id));
const queueIdsIn = (events: SseEvent[]) =>
  events
    .filter((e) => e.event === "queue")
    .map((e) => (JSON.parse(e.data) as { queue: { id: string } }).queue.id);

describe("events: one global order on every instance", () => {
  it("changes made at once through both instances reach both instances' streams, in the log's order, each once", async () => {
    // Both start from the same point of the log (B hands over A's earlier commits when it reads the log).
    await Promise.all([a.deps.bus.catchUp(), b.deps.bus.catchUp()]);
    const onA = await stream(a.admin);
    const onB = await stream(b.admin);
    const before = await a.deps.bus.lastId();
    // 30 queues and 3 agents' states, through both instances at once: their commits interleave on the database.
    const created: string[] = [];
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 30; i++) {
      const id = String(5100 + i);
      created.push(id);
      writes.push((i % 2 === 0 ? a : b).admin.createQueue(id));
    }
    for (const [i, agentId] of ["5201", "5202", "5203"].entries()) {
      await (i % 2 === 0 ? b : a).admin.createAgent(agentId, "5000");
      writes.push((i % 2 === 0 ? a : b).admin.state(agentId, { action: "login", extension: `52${i}` }));
    }
    await Promise.all(writes);
    const logged = (await a.deps.bus.since(before)).map((stored) => stored.id);
    const last = defined(logged.at(-1), "an event in the log");
    for (const reader of [onA, onB]) await reader.waitFor((event) => Number(event.id) === last, 5000);
    // Both saw exactly the log, in id order: none skipped, none twice, the same order on both.
    expect(ids(onA.events)).toEqual(logged);
    expect(ids(onB.events)).toEqual(logged);
    expect(queueIdsIn(onB.events).sort()).toEqual(created);
    // Each instance's agents list followed the other's changes.
    for (const instance of [a, b]) {
      const agents = await instance.admin.agents();
      for (const agentId of ["5201", "5202", "5203"])
        expect(agents.find((agent) => agent.id === agentId)?.status).toBe("online");
    }
  });

  it("a stream that read events on one instance resumes on the other with Last-Event-ID, missing nothing", async () => {
    const first = await stream(a.admin);
    await a.admin.createQueue("5300");
    const seen = await first.waitFor((e) => e.event === "queue" && e.data.includes('"id":"5300"'), 5000);
    first.close();
    // While the browser is away, changes through both instances; it comes back through the other one.
    for (let i = 1; i <= 6; i++) await (i % 2 === 0 ? a : b).admin.createQueue(String(5300 + i));
    const missed = (await b.deps.bus.since(Number(seen.id))).map((stored) => stored.id);
    const resumed = await stream(b.admin, { "Last-Event-ID": defined(seen.id, "the event's id") });
    await resumed.waitFor((e) => Number(e.id) === missed.at(-1), 5000);
    await a.admin.createQueue("5307");
    await resumed.waitFor((e) => e.event === "queue" && e.data.includes('"id":"5307"'), 5000);
    const got = ids(resumed.events);
    expect(got.slice(0, missed.length)).toEqual(missed);
    expect(new Set(got).size).toBe(got.length);
    expect(Math.min(...got)).toBeGreaterThan(Number(seen.id));
    expect(queueIdsIn(resumed.events)).toEqual(["5301", "5302", "5303", "5304", "5305", "5306", "5307"]);
  });
});

describe("sessions: an end on one instance is an end on every instance", () => {
  it("sign-out on A: the same session is refused on B at once, and its stream on B ends", async () => {
    const sue = await supervisorOn(a, "fleet-sue");
    const sueOnB = sameSessionOn(b, sue);
    expect((await sueOnB.call("GET /session")).status).toBe(200);
    const streamOnB = await stream(sueOnB);
    expect((await sue.call("DELETE /session")).status).toBe(204);
    expect((await sueOnB.call("GET /session")).status).toBe(401);
    await ended(streamOnB);
  });

  it("a user disabled on A, or given a new password on B: its sessions end on both, streams included", async () => {
    const dan = await supervisorOn(b, "fleet-dan");
    const danOnA = sameSessionOn(a, dan);
    const streams = [await stream(dan), await stream(danOnA)];
    expect(
      (
        await a.admin.call("PATCH /users/:username", {
          params: { username: "fleet-dan" },
          body: { disabled: true },
        })
      ).status,
    ).toBe(200);
    expect((await dan.call("GET /session")).status).toBe(401);
    expect((await danOnA.call("GET /session")).status).toBe(401);
    for (const reader of streams) await ended(reader);

    const pam = await supervisorOn(a, "fleet-pam");
    const pamOnB = sameSessionOn(b, pam);
    const pamStream = await stream(pamOnB);
    expect(
      (
        await b.admin.call("PATCH /users/:username", {
          params: { username: "fleet-pam" },
          body: { password: "a-new-long-password" },
        })
      ).status,
    ).toBe(200);
    expect((await pam.call("GET /session")).status).toBe(401);
    expect((await pamOnB.call("GET /session")).status).toBe(401);
    await ended(pamStream);
  });
});

describe("the sign-in limiter counts across instances", () => {
  it("failures on A and on B add up: after four (three free), the next try on either is told to wait", async () => {
    await a.admin.createSupervisor("fleet-lim");
    const signIn = (instance: TestConsole, password: string) =>
      instance.client().call("POST /session", { body: { username: "fleet-lim", password } });
    for (const instance of [a, b, a, b])
      expect((await signIn(instance, "wrong-password-1")).status).toBe(401);
    // Two failures per instance would be free if each counted alone.
    for (const instance of [a, b]) {
      const reply = await signIn(instance, SUPERVISOR_PASSWORD);
      expect(reply.status).toBe(429);
      expect(Number(reply.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    }
    await eventually(async () => expect((await signIn(b, SUPERVISOR_PASSWORD)).status).toBe(200), 5000, 250);
  });
});

describe("health, metrics and logs name the instance", () => {
  it("each instance answers with its own id", async () => {
    expect(a.deps.instanceId).not.toBe(b.deps.instanceId);
    for (const instance of [a, b]) {
      const health = await instance.admin.call("GET /health");
      expect(health.body.instance).toBe(instance.deps.instanceId);
      const metrics = await fetch(`${instance.url}/metrics`).then((response) => response.text());
      expect(metrics).toContain(`crystal_sse_clients{console_instance="${instance.deps.instanceId}"}`);
    }
    // Every module logs through deps.log.
    a.deps.log.info({ test: "fleet" }, "a line from the test");
    await eventually(() => expect(logA.some((line) => line.includes("a line from the test"))).toBe(true));
    for (const line of logA) expect(JSON.parse(line)).toMatchObject({ instance: a.deps.instanceId });
  });
});
