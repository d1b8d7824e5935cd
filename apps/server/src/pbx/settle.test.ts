// Unknown outcomes (design.md rule 3): a PBX that doesn't answer in time gives 504, the agent is shown
// unconfirmed, and one follow-up "ensure" settles it by reading an answer, never a blind resend.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type TestConsole,
  defined,
  eventually,
  registrySnapshot,
  startTestConsole,
} from "../test-support.ts";

const SETTLE_MS = 200;
const HEADERS_TIMEOUT_MS = 300;
/** undici arms timeouts of 1 s or less on native timers, longer ones on its coarse (~0.5 s) fast timers;
 * either way a timed-out call takes at most about a second here. */
const TIMED_OUT_WITHIN_MS = 1500;
/** A latency the headers timeout surely cuts short. */
const SLOW_MS = 2500;

let t: TestConsole;
let nextId = 7000;
const freshId = () => String(++nextId);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  t = await startTestConsole({
    PBX_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    PBX_SETTLE_DELAY_MS: String(SETTLE_MS),
  });
  await t.admin.createQueue("2000");
});

afterAll(async () => {
  await t?.stop();
});

beforeEach(() => {
  t.pbx.clearFaults();
  t.pbx.setLatency({ fixedMs: 0 });
  t.pbx.clearCalls();
});

const callsFor = (action: string) => t.pbx.calls().filter((call) => call.action === action);
const simAgents = (id: string) => t.pbx.state().agents.filter((agent) => agent.id === id);

describe("a PBX that hangs", () => {
  it("login: 504 PBX_TIMEOUT, unconfirmed, then settled by one follow-up", async () => {
    const id = freshId();
    await t.admin.createAgent(id, "2000");
    t.pbx.clearCalls();
    t.pbx.injectFault({ kind: "hang", actions: ["login"] });
    const started = Date.now();
    const reply = await t.admin.state(id, { action: "login", extension: "601" });
    expect(reply.status).toBe(504);
    expect(reply.body.error.code).toBe("PBX_TIMEOUT");
    expect(Date.now() - started).toBeLessThan(TIMED_OUT_WITHIN_MS);
    expect(await t.admin.agent(id)).toMatchObject({ status: "logged_off", confirmed: false });

    await eventually(async () =>
      expect(await t.admin.agent(id)).toMatchObject({ status: "online", extension: "601", confirmed: true }),
    );
    expect(t.pbx.state().logins.find((login) => login.agentId === id)).toMatchObject({ extension: "601" });
    const logins = callsFor("login");
    expect(logins).toHaveLength(2);
    expect(logins[0]?.fault).toBe("hang");
    expect(logins[1]?.answer).toBe(`0: OK login,${id},601`);
    expect(
      defined(logins[1], "the second login").at - defined(logins[0], "the first login").at,
    ).toBeGreaterThanOrEqual(SETTLE_MS);
  });

  it("new_agent: 504, then the follow-up creates it exactly once", async () => {
    const id = freshId();
    t.pbx.injectFault({ kind: "hang", actions: ["new_agent"] });
    const reply = await t.admin.call("POST /agents", {
      body: { id, name: "Slow", password: "pw", outQueueId: "2000" },
    });
    expect(reply.status).toBe(504);
    expect(reply.body.error.code).toBe("PBX_TIMEOUT");
    await eventually(async () => expect(await t.admin.agent(id)).toMatchObject({ confirmed: true }));
    expect(simAgents(id)).toHaveLength(1);
    expect(callsFor("new_agent").map((call) => call.answer)).toEqual(["", "Success:0:agent created"]);
  });

  it("a slow PBX that applied new_agent: the follow-up reads 'already exists' and adopts, never duplicating", async () => {
    const id = freshId();
    t.pbx.setLatency({ fixedMs: SLOW_MS });
    const reply = await t.admin.call("POST /agents", {
      body: { id, name: "Late", password: "pw", outQueueId: "2000" },
    });
    expect(reply.status).toBe(504);
    t.pbx.setLatency({ fixedMs: 0 });
    // The PBX has it; the console doesn't know yet.
    expect(simAgents(id)).toHaveLength(1);
    await eventually(async () =>
      expect(await t.admin.agent(id)).toMatchObject({ name: "Late", confirmed: true }),
    );
    await sleep(SETTLE_MS + TIMED_OUT_WITHIN_MS);
    expect(callsFor("new_agent").map((call) => call.answer)).toEqual([
      "Success:0:agent created",
      `Failed:4:agent already exists with id ${id}`,
    ]);
    expect(simAgents(id)).toHaveLength(1);
    const audit = await t.admin.call("GET /audit", { query: { agentId: id, action: "new_agent" } });
    expect(
      audit.body.entries.map((entry: { outcome: string; actor: string }) => [entry.actor, entry.outcome]),
    ).toEqual([
      ["system:settle", "converged"],
      ["admin", "unknown"],
    ]);
  });

  it("edit_queue: 504, the registry keeps the old name until the follow-up confirms the new one", async () => {
    const id = freshId();
    await t.admin.createQueue(id, "Before");
    const before = await registrySnapshot(t.admin);
    t.pbx.injectFault({ kind: "hang", actions: ["edit_queue"] });
    const reply = await t.admin.call("PATCH /queues/:queueId", {
      params: { queueId: id },
      body: { name: "After" },
    });
    expect(reply.status).toBe(504);
    expect(await registrySnapshot(t.admin)).toEqual(before);
    await eventually(async () =>
      expect((await t.admin.queues()).find((queue) => queue.id === id)?.name).toBe("After"),
    );
    expect(t.pbx.state().queues.find((queue) => queue.id === id)?.name).toBe("After");
    expect(callsFor("edit_queue")).toHaveLength(2);
  });

  it("when the follow-up fails too, the agent is left unconfirmed: no second follow-up", async () => {
    const id = freshId();
    await t.admin.createAgent(id, "2000", "pw", "Original");
    t.pbx.clearCalls();
    t.pbx.injectFault({ kind: "hang", count: 5, actions: ["edit_agent"] });
    const reply = await t.admin.call("PATCH /agents/:id", { params: { id }, body: { name: "Changed" } });
    expect(reply.status).toBe(504);
    // The one follow-up is sent, times out too, and nothing more is sent after it.
    await eventually(() => expect(callsFor("edit_agent")).toHaveLength(2), SETTLE_MS + TIMED_OUT_WITHIN_MS);
    await sleep(SETTLE_MS + 2 * TIMED_OUT_WITHIN_MS);
    expect(callsFor("edit_agent")).toHaveLength(2);
    expect(await t.admin.agent(id)).toMatchObject({ name: "Original", confirmed: false });
    // A person's next change settles it.
    t.pbx.clearFaults();
    expect(
      (await t.admin.call("PATCH /agents/:id", { params: { id }, body: { name: "Changed" } })).status,
    ).toBe(200);
    expect(await t.admin.agent(id)).toMatchObject({ name: "Changed", confirmed: true });
  });
});
