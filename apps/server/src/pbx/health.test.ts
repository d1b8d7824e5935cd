// /api/health reports the PBX's reachability from recent calls and a TCP probe, never from a PBX command.
// Remote mode: the console talks to a separately started simulator, as it would to a real PBX.
import { startPbxSim, type PbxSim } from "@crystal-console/pbx-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestConsole, eventually, startTestConsole } from "../test-support.ts";

describe("health in embedded mode", () => {
  let t: TestConsole;
  beforeAll(async () => {
    t = await startTestConsole();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("is open to anyone and shows the PBX reachable after a successful call", async () => {
    await t.admin.createQueue("2000");
    const reply = await t.client().call("GET /health");
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      status: "ok",
      pbx: { mode: "embedded", reachable: true, lastError: null },
    });
    expect(Date.parse(reply.body.pbx.lastOkAt ?? "")).toBeGreaterThan(Date.now() - 60_000);
  });
});

describe("health in remote mode", () => {
  let sim: PbxSim;
  let t: TestConsole;
  beforeAll(async () => {
    sim = await startPbxSim({ port: 0 });
    t = await startTestConsole({ PBX_URL: sim.url, PBX_SECURE: sim.secure, PBX_PROBE_INTERVAL_MS: "100" });
  });
  afterAll(async () => {
    await t?.stop();
    await sim?.close();
  });

  it("learns the PBX is reachable without sending it a command", async () => {
    expect(t.sim).toBeNull();
    await eventually(async () => expect((await t.admin.call("GET /health")).body.pbx.reachable).toBe(true));
    expect((await t.admin.call("GET /health")).body.pbx.mode).toBe("remote");
    expect(sim.calls()).toEqual([]);
  });

  it("works against the remote PBX", async () => {
    expect((await t.admin.call("POST /queues", { body: { id: "2000", name: "Remote" } })).status).toBe(201);
    expect(sim.state().queues).toEqual([{ id: "2000", name: "Remote", agentIds: [] }]);
    const health = (await t.admin.call("GET /health")).body;
    expect(health).toMatchObject({ status: "ok", pbx: { reachable: true } });
  });

  it("a console with the wrong secure code gets 502 PBX_REFUSED with pbx code 1 and a hint, nothing stored", async () => {
    const wrong = await startTestConsole({ PBX_URL: sim.url, PBX_SECURE: "not-the-code" });
    try {
      const reply = await wrong.admin.call("POST /queues", { body: { id: "2001", name: "Nope" } });
      expect(reply.status).toBe(502);
      expect(reply.body.error.code).toBe("PBX_REFUSED");
      expect(reply.body.error.pbx).toEqual({ code: 1, message: "invalid or missing parameters" });
      expect(reply.body.error.message).toMatch(/secure code/);
      expect(reply.text).not.toContain("not-the-code");
      expect(await wrong.admin.queues()).toEqual([]);
      // A refusal is an answer: the PBX is reachable.
      expect((await wrong.admin.call("GET /health")).body.pbx.reachable).toBe(true);
    } finally {
      await wrong.stop();
    }
  });

  it("after the PBX goes away: the probe alone marks it unreachable, and a change gets 503 with the registry kept", async () => {
    const before = await t.admin.queues();
    await sim.close();
    await eventually(async () => {
      const health = (await t.admin.call("GET /health")).body;
      expect(health).toMatchObject({ status: "degraded", pbx: { mode: "remote", reachable: false } });
      expect(health.pbx.lastError).toMatch(/could not be reached/);
    });
    const reply = await t.admin.call("POST /queues", { body: { id: "2002", name: "Down" } });
    expect(reply.status).toBe(503);
    expect(reply.body.error.code).toBe("PBX_UNREACHABLE");
    expect(await t.admin.queues()).toEqual(before);
    const audit = await t.admin.call("GET /audit", { query: { action: "new_queue", limit: 1 } });
    expect(audit.body.entries[0]).toMatchObject({ queueId: "2002", outcome: "failed" });
  });
});
