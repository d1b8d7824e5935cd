// A PBX that is down, hangs, answers HTTP 500, garbage or an HTML page, or resets connections (issue 6,
// "Faults"): reads keep being served from the registry, writes fail with the contract's error, nothing is
// stored, /api/health (and its live event) shows the PBX unreachable within seconds, and the console
// recovers on its own when the PBX does. Remote mode: the simulator runs beside the console, as a real PBX
// would, so it can be stopped and started again on the same port.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Agent, Queue } from "@crystal-console/api";
import { type FaultKind, type PbxSim, startPbxSim } from "@crystal-console/pbx-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Reply,
  SseReader,
  type TestConsole,
  defined,
  eventually,
  registrySnapshot,
  startTestConsole,
} from "../test-support.ts";

const TIMEOUT_MS = 400;
/** Health must turn within this (the probe runs every 100 ms; a failed write turns it at once). */
const HEALTH_WITHIN_MS = 3000;

let dir: string;
let sim: PbxSim;
let t: TestConsole;
let events: SseReader;

async function startSim(port = 0, secure?: string) {
  return startPbxSim({ port, stateFile: join(dir, "pbx.json"), ...(secure ? { secure } : {}) });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "crystal-faults-"));
  sim = await startSim();
  t = await startTestConsole({
    PBX_URL: sim.url,
    PBX_SECURE: sim.secure,
    PBX_CONNECT_TIMEOUT_MS: String(TIMEOUT_MS),
    PBX_HEADERS_TIMEOUT_MS: String(TIMEOUT_MS),
    PBX_BODY_TIMEOUT_MS: String(TIMEOUT_MS),
    PBX_PROBE_INTERVAL_MS: "100",
    // Unknown outcomes schedule one settling follow-up; keep it out of these tests (settle.test.ts has it).
    PBX_SETTLE_DELAY_MS: "600000",
  });
  await t.admin.createQueue("2000", "Sales");
  await t.admin.createQueue("2001", "Support");
  await t.admin.createAgent("3001", "2000");
  await t.admin.createAgent("3002", "2000");
  expect(
    (
      await t.admin.call("PUT /queues/:queueId/agents/:agentId", {
        params: { queueId: "2000", agentId: "3001" },
      })
    ).status,
  ).toBe(200);
  expect((await t.admin.state("3002", { action: "login", extension: "502" })).status).toBe(200);
  events = await SseReader.open(t.admin);
});

afterAll(async () => {
  // Stopping the console ends the live stream; closing the reader first would leave its socket open a while.
  await t?.stop();
  events?.close();
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** One write of each family that reaches the PBX: management (queue, agent, membership) and agent command. */
const writes: { what: string; send: () => Promise<Reply> }[] = [
  { what: "new_queue", send: () => t.admin.call("POST /queues", { body: { id: "2100", name: "New" } }) },
  {
    what: "edit_queue",
    send: () =>
      t.admin.call("PATCH /queues/:queueId", { params: { queueId: "2000" }, body: { name: "Renamed" } }),
  },
  {
    what: "new_agent",
    send: () =>
      t.admin.call("POST /agents", { body: { id: "3100", name: "N", password: "pw", outQueueId: "2000" } }),
  },
  {
    what: "assign_agent",
    send: () =>
      t.admin.call("PUT /queues/:queueId/agents/:agentId", { params: { queueId: "2001", agentId: "3001" } }),
  },
  { what: "login", send: () => t.admin.state("3001", { action: "login", extension: "520" }) },
  { what: "logoff", send: () => t.admin.state("3002", { action: "logoff" }) },
];

/** The registry as the API shows it, without the "unconfirmed" mark an unknown outcome sets by design. */
const withoutConfirmed = (snapshot: { agents: Agent[]; queues: Queue[] }) => ({
  agents: snapshot.agents.map(({ confirmed: _confirmed, ...agent }) => agent),
  queues: snapshot.queues,
});

const health = async () => (await t.client().call("GET /health")).body;

/**
 * Undoes the "unconfirmed" marks with writes that reach the PBX and succeed: the recovery proof. Each fact
 * left unknown is settled by a write on that fact (a membership write does not confirm an agent's state).
 */
async function recoverWithWrites() {
  const assign = await t.admin.call("PUT /queues/:queueId/agents/:agentId", {
    params: { queueId: "2001", agentId: "3001" },
  });
  expect(assign.status).toBe(200);
  expect((await t.admin.state("3001", { action: "logoff" })).status).toBe(200);
  expect(
    (
      await t.admin.call("DELETE /queues/:queueId/agents/:agentId", {
        params: { queueId: "2001", agentId: "3001" },
      })
    ).status,
  ).toBe(204);
  expect((await t.admin.state("3002", { action: "online" })).status).toBe(200);
  await eventually(async () =>
    expect(await health()).toMatchObject({ status: "ok", pbx: { reachable: true } }),
  );
}

async function expectWritesFail(status: number, code: string) {
  // All at once, as a busy dashboard would send them (and so a hanging PBX costs one timeout, not six).
  const replies = await Promise.all(writes.map((write) => write.send()));
  for (const [index, write] of writes.entries()) {
    const reply = defined(replies[index], `the reply to ${write.what}`);
    expect({ write: write.what, status: reply.status, code: reply.body.error?.code }).toEqual({
      write: write.what,
      status,
      code,
    });
    expect(reply.body.error.message.length).toBeGreaterThan(10);
    expect(reply.text).not.toContain(sim.secure);
  }
}

async function expectReadsServed(before: { agents: Agent[]; queues: Queue[] }) {
  const agents = await t.admin.call("GET /agents");
  const queues = await t.admin.call("GET /queues");
  expect(agents.status).toBe(200);
  expect(queues.status).toBe(200);
  expect(withoutConfirmed({ agents: agents.body.agents, queues: queues.body.queues })).toEqual(
    withoutConfirmed(before),
  );
}

async function expectUnhealthy() {
  await eventually(async () => {
    expect(await health()).toMatchObject({ status: "degraded", pbx: { reachable: false } });
  }, HEALTH_WITHIN_MS);
  await events.waitFor(
    (event) => event.event === "health" && event.data.includes('"reachable":false'),
    HEALTH_WITHIN_MS,
  );
}

describe("a PBX that fails", () => {
  it("refuses connections: reads served, writes 503 PBX_UNREACHABLE, nothing stored, health unreachable, then it recovers on its own", async () => {
    const before = await registrySnapshot(t.admin);
    const simBefore = sim.state();
    const { port, secure } = sim;
    await sim.close();
    events.events.length = 0;

    await expectUnhealthy();
    await expectWritesFail(503, "PBX_UNREACHABLE");
    await expectReadsServed(before);
    // Nothing was sent, so nothing is unknown: the registry is exactly as it was, marks included.
    expect(await registrySnapshot(t.admin)).toEqual(before);
    expect((await health()).pbx.lastError).toMatch(/could not be reached|failed/);

    // The PBX comes back on the same address: the probe notices without any write.
    sim = await startSim(port, secure);
    expect(sim.state()).toEqual(simBefore);
    await eventually(
      async () => expect(await health()).toMatchObject({ status: "ok", pbx: { reachable: true } }),
      HEALTH_WITHIN_MS,
    );
    expect(sim.calls()).toEqual([]);
    const created = await t.admin.call("POST /queues", { body: { id: "2200", name: "Back" } });
    expect(created.status).toBe(201);
    expect(sim.state().queues.map((queue) => queue.id)).toContain("2200");
    expect((await t.admin.call("DELETE /queues/:queueId", { params: { queueId: "2200" } })).status).toBe(204);
  });

  it.each([
    { kind: "hang", status: 504, code: "PBX_TIMEOUT" },
    { kind: "http500", status: 502, code: "PBX_BAD_ANSWER" },
    { kind: "garbage", status: 502, code: "PBX_BAD_ANSWER" },
    { kind: "reset", status: 502, code: "PBX_BAD_ANSWER" },
  ] satisfies { kind: FaultKind; status: number; code: string }[])(
    "$kind on every call: reads served, writes $status $code, nothing stored, health unreachable (the TCP probe doesn't hide it), recovers",
    async ({ kind, status, code }) => {
      const before = await registrySnapshot(t.admin);
      const simBefore = sim.state();
      sim.clearCalls();
      events.events.length = 0;
      sim.injectFault({ kind, rate: 1 });
      try {
        await expectWritesFail(status, code);
        await expectUnhealthy();
        await expectReadsServed(before);
        // The registry keeps every fact; at most the agents touched are marked unconfirmed.
        expect(withoutConfirmed(await registrySnapshot(t.admin))).toEqual(withoutConfirmed(before));
        expect(sim.state()).toEqual(simBefore);
        expect(sim.calls()).toHaveLength(writes.length);
        // The probe connects fine (the port is open) but that proves nothing: still unreachable a while later.
        await new Promise((resolve) => setTimeout(resolve, 400));
        expect((await health()).pbx).toMatchObject({ reachable: false });
      } finally {
        sim.clearFaults();
      }
      await recoverWithWrites();
      expect(await registrySnapshot(t.admin)).toEqual(before);
    },
  );
});
