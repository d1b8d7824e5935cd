// Injected faults: storage failures per action, transport faults, count, rate and the actions filter.

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { startPbxSim } from "./server.ts";
import { agentCommand, CALL_CENTRE, control, manage } from "./test-helpers.ts";
import type { Fault, PbxSim } from "./types.ts";

const STORAGE_FAILURES: Array<{ params: Record<string, string>; failure: string; success: string }> = [
  {
    params: {
      action: "new_agent",
      agent_id: "1010",
      agent_pass: "pw",
      agent_name: "Maya",
      agent_out_q: "2000",
    },
    failure: "Failed:3:agent not created",
    success: "Success:0:agent created",
  },
  {
    params: { action: "edit_agent", agent_id: "1001", agent_name: "Dana Cohen" },
    failure: "Failed:10:agent 1001 not updated",
    success: "Success:0:agent 1001 updated",
  },
  {
    params: { action: "del_agent", agent_id: "1001" },
    failure: "Failed:6:agent not deleted",
    success: "Success:0:agent deleted",
  },
  {
    params: { action: "new_queue", queue_id: "2002", queue_name: "Returns" },
    failure: "Failed:5:queue not created",
    success: "Success:0:queue created",
  },
  {
    params: { action: "edit_queue", queue_id: "2000", queue_name: "Sales North" },
    failure: "Failed:10:queue 2000 not updated",
    success: "Success:0:queue 2000 updated",
  },
  {
    params: { action: "del_queue", queue_id: "2000" },
    failure: "Failed:8:queue not deleted",
    success: "Success:0:queue deleted",
  },
];

describe("faults", () => {
  let sim: PbxSim;

  beforeEach(async () => {
    sim = await startPbxSim({ state: CALL_CENTRE });
  });

  afterEach(async () => {
    await sim.close();
  });

  for (const { params, failure, success } of STORAGE_FAILURES) {
    it(`storageFailure on ${params.action}: ${failure}, state unchanged, then consumed`, async () => {
      const injected = await control(sim, "POST", "faults", {
        kind: "storageFailure",
        actions: [params.action],
      });
      expect(injected.status).toBe(200);
      expect((await manage(sim, params)).body).toBe(failure);
      expect(sim.state()).toEqual(CALL_CENTRE);
      expect(sim.calls()[0]?.fault).toBe("storageFailure");
      expect((await manage(sim, params)).body).toBe(success);
    });
  }

  it("storageFailure waits for a call that reaches the storage check", async () => {
    sim.injectFault({ kind: "storageFailure" });
    expect((await manage(sim, { action: "del_agent", agent_id: "9999" })).body).toBe(
      "Failed:5:no such agent",
    );
    expect((await manage(sim, { action: "del_agent", agent_id: "1004" })).body).toBe(
      "Failed:2:agent cannot be deleted while logged in",
    );
    expect((await manage(sim, { action: "assign_agent", agent_id: "1002", queue_id: "2000" })).body).toBe(
      "Success:0:queue 2000 updated",
    );
    expect((await agentCommand(sim, { action: "pause", agid: "1004" })).body).toBe("0: OK pause,1004,501");
    expect(sim.faults()).toEqual([{ kind: "storageFailure", count: 1 }]);
    expect((await manage(sim, { action: "del_agent", agent_id: "1001" })).body).toBe(
      "Failed:6:agent not deleted",
    );
    expect(sim.faults()).toEqual([]);
  });

  it("http500: HTTP 500 with an HTML page, state unchanged", async () => {
    sim.injectFault({ kind: "http500" });
    const answer = await manage(sim, { action: "del_agent", agent_id: "1001" });
    expect(answer.status).toBe(500);
    expect(answer.contentType).toContain("text/html");
    expect(answer.body).toContain("Internal Server Error");
    expect(sim.state()).toEqual(CALL_CENTRE);
    expect(sim.calls()).toMatchObject([{ action: "del_agent", status: 500, fault: "http500" }]);
  });

  it("garbage: HTTP 200 with a nonsense body, state unchanged", async () => {
    sim.injectFault({ kind: "garbage" });
    const answer = await agentCommand(sim, { action: "logoff", agid: "1004" });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain("mysql_connect()");
    expect(sim.state()).toEqual(CALL_CENTRE);
  });

  it("reset: the connection is destroyed without an answer, state unchanged", async () => {
    sim.injectFault({ kind: "reset" });
    await expect(manage(sim, { action: "del_agent", agent_id: "1001" })).rejects.toThrow();
    expect(sim.state()).toEqual(CALL_CENTRE);
    expect(sim.calls()).toMatchObject([{ action: "del_agent", answer: "", status: 0, fault: "reset" }]);
    expect((await manage(sim, { action: "del_agent", agent_id: "1001" })).body).toBe(
      "Success:0:agent deleted",
    );
  });

  it("hang: never answers until the client gives up, state unchanged", async () => {
    sim.injectFault({ kind: "hang" });
    const call = agentCommand(sim, { action: "logoff", agid: "1004" }, AbortSignal.timeout(200));
    await expect(call).rejects.toThrow(/timeout|aborted/i);
    expect(sim.state()).toEqual(CALL_CENTRE);
    expect((await agentCommand(sim, { action: "logoff", agid: "1004" })).body).toBe("0: OK logoff,1004,501");
  });

  it("close() ends calls that are still hanging", async () => {
    sim.injectFault({ kind: "hang" });
    const call = agentCommand(sim, { action: "pause", agid: "1004" });
    await expect.poll(() => sim.calls().length).toBe(1);
    await sim.close();
    await expect(call).rejects.toThrow();
  });

  it("count: hits the next count matching calls, then is gone", async () => {
    sim.injectFault({ kind: "http500", count: 2 });
    const queue = { action: "new_queue", queue_id: "2002", queue_name: "Returns" };
    expect((await manage(sim, queue)).status).toBe(500);
    expect(sim.faults()).toEqual([{ kind: "http500", count: 1 }]);
    expect((await manage(sim, queue)).status).toBe(500);
    expect((await manage(sim, queue)).body).toBe("Success:0:queue created");
  });

  it("actions: only the listed actions are hit", async () => {
    await control(sim, "POST", "faults", { kind: "garbage", actions: ["del_agent", "login"] });
    expect((await manage(sim, { action: "new_queue", queue_id: "2002", queue_name: "Returns" })).body).toBe(
      "Success:0:queue created",
    );
    expect((await agentCommand(sim, { action: "pause", agid: "1004" })).body).toBe("0: OK pause,1004,501");
    expect((await agentCommand(sim, { action: "login", agid: "1001", agext: "502" })).body).toContain(
      "mysql",
    );
    // The fault's one hit was spent on the login.
    expect((await manage(sim, { action: "del_agent", agent_id: "1001" })).body).toBe(
      "Success:0:agent deleted",
    );
  });

  it("rate: hits that fraction of calls until cleared", async () => {
    sim.injectFault({ kind: "http500", rate: 1 });
    for (let i = 0; i < 3; i += 1)
      expect((await agentCommand(sim, { action: "pause", agid: "1004" })).status).toBe(500);
    expect((await control(sim, "DELETE", "faults")).status).toBe(204);
    expect((await agentCommand(sim, { action: "pause", agid: "1004" })).status).toBe(200);
    sim.injectFault({ kind: "http500", rate: 0 });
    for (let i = 0; i < 3; i += 1)
      expect((await agentCommand(sim, { action: "pause", agid: "1004" })).status).toBe(200);
    expect(sim.faults()).toEqual([{ kind: "http500", rate: 0 }]);
    sim.clearFaults();
    expect((await control(sim, "GET", "faults")).json).toEqual({ faults: [] });
  });

  it("refuses malformed faults with 400 {error}", async () => {
    const bad: unknown[] = [
      { kind: "meteor" },
      { kind: "hang", rate: 2 },
      { kind: "hang", count: 0 },
      { kind: "hang", count: 1, rate: 0.5 },
    ];
    for (const fault of bad) {
      const answer = await control(sim, "POST", "faults", fault);
      expect(answer.status).toBe(400);
      expect(answer.json).toHaveProperty("error");
    }
    expect(() => sim.injectFault({ kind: "nope" } as unknown as Fault)).toThrow("fault.kind must be one of");
    expect(sim.faults()).toEqual([]);
  });
});
