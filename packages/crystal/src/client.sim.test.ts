// Round trips against the real simulator (packages/pbx-sim): the PBX as the console will meet it.
import { startPbxSim, type PbxSim } from "@crystal-console/pbx-sim";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPbxClient } from "./client.ts";
import { PbxTransportError } from "./errors.ts";
import type { PbxCallRecord, PbxClient } from "./types.ts";

const SECURE = "sim-Secure-9f3a71c2";
const NAME = "  דנה כהן & #1 100% + שות'  ";

let sim: PbxSim;
let client: PbxClient;
const records: PbxCallRecord[] = [];

beforeAll(async () => {
  sim = await startPbxSim({ secure: SECURE });
  client = createPbxClient({
    baseUrl: `${sim.url}/`,
    secure: SECURE,
    timeouts: { connectMs: 2000, headersMs: 1000, bodyMs: 1000 },
    onCall: (record) => records.push(record),
  });
});

afterAll(async () => {
  await client.close();
  await sim.close();
});

beforeEach(() => {
  sim.reset();
  records.length = 0;
});

function expectNoSecretIn(value: unknown): void {
  expect(JSON.stringify(value)).not.toContain(SECURE);
}

describe("against the simulator", () => {
  it("a full round trip: queue, agent with a Hebrew name, assign, login, pause, logoff, release, delete", async () => {
    expect(await client.newQueue({ queueId: "2000", name: "מכירות & Sales #1" })).toMatchObject({
      kind: "created",
    });
    expect(
      await client.newAgent({ agentId: "201", password: "p&ss#w%rd+", name: NAME, outQueueId: "2000" }),
    ).toMatchObject({ kind: "created", pbx: { code: 0 } });
    const stored = sim.state().agents.find((agent) => agent.id === "201");
    expect(stored).toMatchObject({
      name: NAME.trim(),
      password: "p&ss#w%rd+",
      outQueueId: "2000",
      active: true,
    });
    expect(sim.state().queues[0]?.name).toBe("מכירות & Sales #1");

    expect(await client.assignAgent({ agentId: "201", queueId: "2000" })).toMatchObject({ kind: "assigned" });
    expect(await client.login({ agentId: "201", extension: "501" })).toEqual({
      kind: "ok",
      extension: "501",
      pbx: { code: 0, message: "OK login,201,501" },
    });
    expect(await client.pause({ agentId: "201" })).toMatchObject({ kind: "ok", extension: "501" });
    expect(await client.mission({ agentId: "201" })).toMatchObject({ kind: "ok", extension: "501" });
    expect(await client.online({ agentId: "201" })).toMatchObject({ kind: "ok", extension: "501" });
    expect(await client.deleteAgent({ agentId: "201" })).toMatchObject({ kind: "loggedIn" });
    expect(await client.logoff({ agentId: "201" })).toMatchObject({ kind: "ok", extension: "501" });
    expect(await client.logoff({ agentId: "201" })).toMatchObject({ kind: "alreadyLoggedOff" });
    expect(await client.releaseAgent({ agentId: "201", queueId: "2000" })).toMatchObject({
      kind: "released",
    });
    expect(await client.releaseAgent({ agentId: "201", queueId: "2000" })).toMatchObject({
      kind: "notAssigned",
    });
    expect(await client.deleteAgent({ agentId: "201" })).toMatchObject({ kind: "deleted" });
    expect(await client.deleteQueue({ queueId: "2000" })).toMatchObject({ kind: "deleted" });

    expect(sim.state()).toMatchObject({ queues: [], logins: [], agents: [{ id: "201", active: false }] });
    expect(records).toHaveLength(14);
    expect(records.every((record) => record.reachable)).toBe(true);
    expectNoSecretIn(records);
    expectNoSecretIn(sim.calls());
  });

  it("the 'already' answers and answers that reveal the PBX's state", async () => {
    expect(await client.newQueue({ queueId: "1", name: "Q" })).toMatchObject({ kind: "created" });
    expect(await client.newQueue({ queueId: "1", name: "Q" })).toMatchObject({ kind: "exists" });
    expect(await client.editQueue({ queueId: "1", name: "Q" })).toMatchObject({ kind: "notUpdated" });
    expect(await client.editQueue({ queueId: "1", name: "Q2" })).toMatchObject({ kind: "updated" });
    expect(await client.editQueue({ queueId: "9", name: "Q2" })).toMatchObject({ kind: "noSuchQueue" });
    expect(await client.newAgent({ agentId: "7", password: "pw", name: "A", outQueueId: "1" })).toMatchObject(
      {
        kind: "created",
      },
    );
    expect(await client.newAgent({ agentId: "7", password: "pw", name: "A", outQueueId: "1" })).toMatchObject(
      {
        kind: "exists",
      },
    );
    expect(await client.editAgent({ agentId: "7", name: "A" })).toMatchObject({ kind: "notUpdated" });
    expect(await client.editAgent({ agentId: "7", name: "B" })).toMatchObject({ kind: "updated" });
    expect(await client.editAgent({ agentId: "8", name: "B" })).toMatchObject({ kind: "noSuchAgent" });
    expect(await client.assignAgent({ agentId: "7", queueId: "9" })).toMatchObject({ kind: "invalidQueue" });
    expect(await client.assignAgent({ agentId: "8", queueId: "1" })).toMatchObject({ kind: "noSuchAgent" });
    expect(await client.assignAgent({ agentId: "7", queueId: "1" })).toMatchObject({ kind: "assigned" });
    expect(await client.assignAgent({ agentId: "7", queueId: "1" })).toMatchObject({
      kind: "alreadyAssigned",
    });
    expect(await client.login({ agentId: "8", extension: "501" })).toMatchObject({ kind: "noSuchAgent" });
    expect(await client.login({ agentId: "7", extension: "999" })).toMatchObject({ kind: "noSuchExtension" });
    expect(await client.login({ agentId: "7", extension: "501" })).toMatchObject({ kind: "ok" });
    expect(await client.login({ agentId: "7", extension: "502" })).toMatchObject({ kind: "notLoggedOff" });
    expect(await client.newAgent({ agentId: "6", password: "pw", name: "C", outQueueId: "1" })).toMatchObject(
      {
        kind: "created",
      },
    );
    expect(await client.login({ agentId: "6", extension: "501" })).toMatchObject({
      kind: "extensionInUse",
      byAgentId: "7",
    });
    expect(await client.pause({ agentId: "6" })).toMatchObject({ kind: "alreadyLoggedOff" });
    expect(await client.deleteAgent({ agentId: "6" })).toMatchObject({ kind: "deleted" });
    expect(await client.newAgent({ agentId: "6", password: "pw", name: "C", outQueueId: "1" })).toMatchObject(
      {
        kind: "inactiveExists",
      },
    );
    expect(await client.deleteQueue({ queueId: "9" })).toMatchObject({ kind: "noSuchQueue" });
    expect(records.every((record) => record.reachable)).toBe(true);
  });

  it("a wrong secure code reads as invalidParams", async () => {
    const wrong = createPbxClient({ baseUrl: sim.url, secure: "not-the-code" });
    try {
      expect(await wrong.newQueue({ queueId: "1", name: "Q" })).toMatchObject({ kind: "invalidParams" });
    } finally {
      await wrong.close();
    }
  });

  it.each([
    ["http500", "httpStatus"],
    ["garbage", "protocol"],
    ["hang", "headersTimeout"],
    ["reset", "reset"],
  ] as const)("fault %s -> %s, one request, outcome unknown, no secret anywhere", async (fault, kind) => {
    sim.injectFault({ kind: fault, count: 1 });
    let caught: unknown;
    try {
      await client.newQueue({ queueId: "5", name: "Faulty" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PbxTransportError);
    expect(caught).toMatchObject({ kind, outcomeUnknown: true, action: "new_queue" });
    expect((caught as Error).message).not.toContain(SECURE);
    expectNoSecretIn({ ...(caught as PbxTransportError), message: (caught as Error).message });
    expectNoSecretIn(records);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sim.calls()).toHaveLength(1);
  });

  it("storage failures read as the vendor's 'not done' answers", async () => {
    sim.injectFault({ kind: "storageFailure", count: 1, actions: ["new_queue"] });
    expect(await client.newQueue({ queueId: "5", name: "Q" })).toMatchObject({ kind: "notCreated" });
  });
});
