// The control API under /__sim/ and the library methods behind it.

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { startPbxSim } from "./server.ts";
import { agentCommand, CALL_CENTRE, control, manage } from "./test-helpers.ts";
import type { PbxSim, SimState } from "./types.ts";

const EMPTY: SimState = { agents: [], queues: [], logins: [] };

describe("control API", () => {
  let sim: PbxSim;

  beforeEach(async () => {
    sim = await startPbxSim({ state: CALL_CENTRE });
  });

  afterEach(async () => {
    await sim.close();
  });

  it("GET /__sim/state answers the state, sorted by id (numeric-aware)", async () => {
    sim.seed({
      agents: [
        { id: "10", name: "Ten", password: "p", outQueueId: "1", active: true },
        { id: "9", name: "Nine", password: "p", outQueueId: "1", active: true },
      ],
      queues: [
        { id: "100", name: "Q100", agentIds: ["10", "9"] },
        { id: "20", name: "Q20", agentIds: [] },
      ],
      logins: [
        { agentId: "10", extension: "101", state: "paused" },
        { agentId: "9", extension: "100", state: "mission" },
      ],
    });
    const { status, json } = await control(sim, "GET", "state");
    expect(status).toBe(200);
    const state = json as SimState;
    expect(state.agents.map((a) => a.id)).toEqual(["9", "10"]);
    expect(state.queues.map((q) => q.id)).toEqual(["20", "100"]);
    expect(state.queues[1]?.agentIds).toEqual(["9", "10"]);
    expect(state.logins.map((l) => l.agentId)).toEqual(["9", "10"]);
  });

  it("POST /__sim/reset empties the call centre, faults, latency and call log", async () => {
    sim.injectFault({ kind: "http500", actions: ["logoff"] });
    await agentCommand(sim, { action: "pause", agid: "1004" });
    sim.setLatency({ fixedMs: 500 });
    const { status, json } = await control(sim, "POST", "reset");
    expect(status).toBe(200);
    expect(json).toEqual(EMPTY);
    expect(sim.faults()).toEqual([]);
    expect(sim.latency()).toEqual({ fixedMs: 0, jitterMs: 0 });
    expect(sim.calls()).toEqual([]);
  });

  it("POST /__sim/seed replaces the state", async () => {
    const { status, json } = await control(sim, "POST", "seed", EMPTY);
    expect(status).toBe(200);
    expect(json).toEqual(EMPTY);
    const again = await control(sim, "POST", "seed", CALL_CENTRE);
    expect(again.json).toEqual(CALL_CENTRE);
    expect(sim.state()).toEqual(CALL_CENTRE);
  });

  it("POST /__sim/seed refuses bad JSON and inconsistent states with 400 {error}", async () => {
    const bad = await control(sim, "POST", "seed", "{not json");
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ error: "Request body is not valid JSON" });
    const inactiveLogin = await control(sim, "POST", "seed", {
      ...CALL_CENTRE,
      logins: [{ agentId: "1003", extension: "501", state: "online" }],
    });
    expect(inactiveLogin.status).toBe(400);
    expect(inactiveLogin.json).toEqual({ error: "logins[0]: 1003 is not an active agent" });
    const badExtension = await control(sim, "POST", "seed", {
      ...CALL_CENTRE,
      logins: [{ agentId: "1004", extension: "700", state: "online" }],
    });
    expect(badExtension.status).toBe(400);
    const badId = await control(sim, "POST", "seed", {
      ...EMPTY,
      queues: [{ id: "12345678901", name: "Q", agentIds: [] }],
    });
    expect(badId.json).toEqual({ error: "queues[0].id must be 1 to 10 digits" });
    expect(sim.state()).toEqual(CALL_CENTRE);
    expect(() => sim.seed({ agents: [] } as unknown as SimState)).toThrow("queues must be an array");
  });

  it("POST /__sim/latency delays every PBX answer by at least fixedMs", async () => {
    const set = await control(sim, "POST", "latency", { fixedMs: 150, jitterMs: 20 });
    expect(set).toEqual({ status: 200, json: { fixedMs: 150, jitterMs: 20 } });
    const started = performance.now();
    const answer = await manage(sim, { action: "new_queue", queue_id: "2002", queue_name: "Late" });
    expect(performance.now() - started).toBeGreaterThanOrEqual(149);
    expect(answer.body).toBe("Success:0:queue created");
    const bad = await control(sim, "POST", "latency", { fixedMs: -1 });
    expect(bad.status).toBe(400);
  });

  it("latency delays the answer, not the change: a client that gives up has still changed the state", async () => {
    sim.setLatency({ fixedMs: 2000 });
    const call = manage(
      sim,
      { action: "new_queue", queue_id: "2002", queue_name: "Late" },
      AbortSignal.timeout(100),
    );
    await expect(call).rejects.toThrow();
    expect(sim.state().queues.map((q) => q.id)).toContain("2002");
  });

  it("POST /__sim/phone changes state behind the API's back", async () => {
    const login = await control(sim, "POST", "phone", { agentId: "1001", action: "login", extension: "502" });
    expect(login.status).toBe(200);
    expect((login.json as SimState).logins).toContainEqual({
      agentId: "1001",
      extension: "502",
      state: "online",
    });
    await control(sim, "POST", "phone", { agentId: "1001", action: "pause" });
    expect(sim.state().logins).toContainEqual({ agentId: "1001", extension: "502", state: "paused" });
    sim.phone({ agentId: "1001", action: "mission" });
    expect(sim.state().logins).toContainEqual({ agentId: "1001", extension: "502", state: "mission" });
    sim.phone({ agentId: "1004", action: "logoff" });
    expect(sim.state().logins.map((l) => l.agentId)).toEqual(["1001"]);
    expect((await agentCommand(sim, { action: "logoff", agid: "1004" })).body).toBe(
      "5: Agent 1004 is already logged off!",
    );
    expect(sim.calls()).toHaveLength(1);
  });

  it("refuses impossible phone changes with 409 and malformed ones with 400", async () => {
    const notLoggedIn = await control(sim, "POST", "phone", { agentId: "1002", action: "online" });
    expect(notLoggedIn).toEqual({
      status: 409,
      json: { error: "Phone online: agent 1002 is not logged in" },
    });
    const unknown = await control(sim, "POST", "phone", { agentId: "9999", action: "logoff" });
    expect(unknown.status).toBe(409);
    const inUse = await control(sim, "POST", "phone", { agentId: "1001", action: "login", extension: "501" });
    expect(inUse).toEqual({
      status: 409,
      json: { error: "Phone login refused: 4: Exten 501 is inuse by 1004" },
    });
    const malformed = await control(sim, "POST", "phone", { agentId: "1001", action: "dance" });
    expect(malformed.status).toBe(400);
    expect(() => sim.phone({ agentId: "1004", action: "login", extension: "502" })).toThrow(
      "Phone login refused: 3: Agent 1004 not logged off!",
    );
    expect(() => sim.phone({ agentId: "1003", action: "logoff" })).toThrow("no active agent 1003");
    expect(sim.state()).toEqual(CALL_CENTRE);
  });

  it("GET /__sim/calls lists every PBX call in order, with secure and agent_pass redacted", async () => {
    await manage(sim, {
      action: "new_agent",
      agent_id: "1010",
      agent_pass: "hunter2",
      agent_name: "Maya",
      agent_out_q: "2000",
    });
    await agentCommand(sim, { action: "pause", agid: "1004" });
    const { json } = await control(sim, "GET", "calls");
    const { calls } = json as { calls: Array<Record<string, unknown>> };
    expect(calls).toMatchObject([
      {
        endpoint: "management",
        action: "new_agent",
        params: {
          action: "new_agent",
          agent_id: "1010",
          agent_pass: "***",
          agent_name: "Maya",
          agent_out_q: "2000",
          secure: "***",
        },
        answer: "Success:0:agent created",
        status: 200,
      },
      {
        endpoint: "agent",
        action: "pause",
        params: { action: "pause", agid: "1004" },
        answer: "0: OK pause,1004,501",
      },
    ]);
    expect(JSON.stringify(calls)).not.toContain(sim.secure);
    expect(JSON.stringify(calls)).not.toContain("hunter2");
    expect(typeof calls[0]?.at).toBe("number");
    expect((await control(sim, "DELETE", "calls")).status).toBe(204);
    expect(sim.calls()).toEqual([]);
  });

  it("records no call when nothing reached the PBX endpoints", async () => {
    await control(sim, "GET", "state");
    await fetch(`${sim.url}/elsewhere`);
    expect(sim.calls()).toEqual([]);
  });

  it("answers 404 to unknown control routes and 405 to wrong methods", async () => {
    expect((await control(sim, "GET", "nope")).status).toBe(404);
    const wrong = await control(sim, "GET", "reset");
    expect(wrong.status).toBe(405);
    expect(wrong.json).toEqual({ error: "/__sim/reset takes POST" });
  });
});

describe("a closed control API (the console's embedded simulator)", () => {
  const running: PbxSim[] = [];
  const TOKEN = "a-token-only-the-console-knows";
  const ROUTES = [
    ["GET", "state"],
    ["POST", "reset"],
    ["POST", "seed"],
    ["GET", "latency"],
    ["POST", "faults"],
    ["DELETE", "faults"],
    ["POST", "phone"],
    ["GET", "calls"],
    ["GET", "no-such-route"],
  ] as const;

  async function start(access: "off" | { token: string }) {
    const sim = await startPbxSim({ state: CALL_CENTRE, control: access });
    running.push(sim);
    return sim;
  }

  afterEach(async () => {
    await Promise.all(running.splice(0).map((sim) => sim.close()));
  });

  it.each(ROUTES)(
    "with a token: %s /__sim/%s without it, or with another, → 401 and nothing changes",
    async (method, route) => {
      const sim = await start({ token: TOKEN });
      expect(sim.controlToken).toBe(TOKEN);
      const attempts: Record<string, string>[] = [
        {},
        { authorization: "Bearer wrong" },
        { authorization: TOKEN },
        { authorization: `Bearer ${TOKEN}x` },
      ];
      for (const headers of attempts) {
        const reply = await control(sim, method, route, method === "POST" ? EMPTY : undefined, headers);
        expect(reply.status).toBe(401);
        expect(JSON.stringify(reply.json)).not.toContain("secret1");
      }
      expect(sim.state()).toEqual(CALL_CENTRE);
      const raw = await fetch(`${sim.url}/__sim/${route}`, { method });
      expect(raw.headers.get("www-authenticate")).toMatch(/^Bearer/);
    },
  );

  it("with a token: the right one opens every route", async () => {
    const sim = await start({ token: TOKEN });
    const state = await control(sim, "GET", "state");
    expect(state).toMatchObject({ status: 200, json: CALL_CENTRE });
    expect((await control(sim, "POST", "reset")).status).toBe(200);
    expect(sim.state()).toEqual(EMPTY);
  });

  it.each(ROUTES)(
    "off: %s /__sim/%s → 404, with or without a token, and nothing changes",
    async (method, route) => {
      const sim = await start("off");
      expect(sim.controlToken).toBeNull();
      const attempts: Record<string, string>[] = [{}, { authorization: `Bearer ${TOKEN}` }];
      for (const headers of attempts) {
        const reply = await control(sim, method, route, method === "POST" ? EMPTY : undefined, headers);
        expect(reply.status).toBe(404);
      }
      expect(sim.state()).toEqual(CALL_CENTRE);
    },
  );

  it("closed or not, the PBX endpoints answer as always", async () => {
    const sim = await start({ token: TOKEN });
    expect((await manage(sim, { action: "del_queue", queue_id: "2001" })).body).toBe(
      "Success:0:queue deleted",
    );
    expect((await agentCommand(sim, { action: "pause", agid: "1004" })).body).toBe("0: OK pause,1004,501");
  });

  it("an empty token is refused at start", async () => {
    await expect(startPbxSim({ control: { token: "" } })).rejects.toThrow(/must not be empty/);
  });
});
