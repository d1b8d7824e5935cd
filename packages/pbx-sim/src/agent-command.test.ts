// Every row of crystal-api.md Part 2's agent actions table, by raw HTTP, with the exact answer text.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { startPbxSim } from "./server.ts";
import { agentCommand, CALL_CENTRE } from "./test-helpers.ts";
import type { PbxSim, SimLogin } from "./types.ts";

type Row = { name: string; params: Record<string, string>; answer: string; logins?: SimLogin[] };

const NOA_AT_501: SimLogin = { agentId: "1004", extension: "501", state: "online" };

const ROWS: Row[] = [
  // login
  { name: "login missing agid", params: { action: "login", agext: "502" }, answer: "1: No such agent!" },
  {
    name: "login no such agent",
    params: { action: "login", agid: "9999", agext: "502" },
    answer: "1: No such agent!",
  },
  {
    name: "login deleted agent",
    params: { action: "login", agid: "1003", agext: "502" },
    answer: "1: No such agent!",
  },
  {
    name: "login malformed agid",
    params: { action: "login", agid: "10x1", agext: "502" },
    answer: "1: No such agent!",
  },
  {
    name: "login extension 700",
    params: { action: "login", agid: "1001", agext: "700" },
    answer: "2: no such extension",
  },
  {
    name: "login extension 99",
    params: { action: "login", agid: "1001", agext: "99" },
    answer: "2: no such extension",
  },
  {
    name: "login extension 0501",
    params: { action: "login", agid: "1001", agext: "0501" },
    answer: "2: no such extension",
  },
  { name: "login missing agext", params: { action: "login", agid: "1001" }, answer: "2: no such extension" },
  {
    name: "login no such agent beats no such extension",
    params: { action: "login", agid: "9999", agext: "700" },
    answer: "1: No such agent!",
  },
  {
    name: "login already logged in elsewhere",
    params: { action: "login", agid: "1004", agext: "502" },
    answer: "3: Agent 1004 not logged off!",
  },
  {
    name: "login already logged in at that extension",
    params: { action: "login", agid: "1004", agext: "501" },
    answer: "3: Agent 1004 not logged off!",
  },
  {
    name: "login extension in use by another agent",
    params: { action: "login", agid: "1001", agext: "501" },
    answer: "4: Exten 501 is inuse by 1004",
  },
  {
    name: "login logged in and online",
    params: { action: "login", agid: "1001", agext: "502" },
    answer: "0: OK login,1001,502",
    logins: [{ agentId: "1001", extension: "502", state: "online" }, NOA_AT_501],
  },
  {
    name: "login at the first extension",
    params: { action: "login", agid: "1002", agext: "100" },
    answer: "0: OK login,1002,100",
  },
  {
    name: "login at the last extension",
    params: { action: "login", agid: "1002", agext: "699" },
    answer: "0: OK login,1002,699",
  },
  // logoff
  { name: "logoff missing agid", params: { action: "logoff" }, answer: "1: No such agent!" },
  { name: "logoff no such agent", params: { action: "logoff", agid: "9999" }, answer: "1: No such agent!" },
  {
    name: "logoff not logged in",
    params: { action: "logoff", agid: "1001" },
    answer: "5: Agent 1001 is already logged off!",
  },
  {
    name: "logoff answers the extension it left",
    params: { action: "logoff", agid: "1004" },
    answer: "0: OK logoff,1004,501",
    logins: [],
  },
  // pause, online, mission
  ...(["pause", "online", "mission"] as const).flatMap((action): Row[] => [
    { name: `${action} no such agent`, params: { action, agid: "9999" }, answer: "1: No such agent!" },
    { name: `${action} deleted agent`, params: { action, agid: "1003" }, answer: "1: No such agent!" },
    {
      name: `${action} not logged in`,
      params: { action, agid: "1001" },
      answer: "5: Agent 1001 is already logged off!",
    },
    {
      name: `${action} answers the current extension`,
      params: { action, agid: "1004" },
      answer: `0: OK ${action},1004,501`,
      logins: [{ ...NOA_AT_501, state: action === "pause" ? "paused" : action }],
    },
  ]),
];

describe("agent_command.php", () => {
  let sim: PbxSim;

  beforeAll(async () => {
    sim = await startPbxSim();
  });

  afterAll(async () => {
    await sim.close();
  });

  beforeEach(() => {
    sim.reset();
    sim.seed(CALL_CENTRE);
  });

  for (const row of ROWS) {
    it(`${row.name}: ${row.answer}`, async () => {
      const before = sim.state();
      const answer = await agentCommand(sim, row.params);
      expect(answer.status).toBe(200);
      expect(answer.contentType).toBe("text/plain; charset=utf-8");
      expect(answer.body).toBe(row.answer);
      if (row.logins) expect(sim.state().logins).toEqual(row.logins);
      if (!row.answer.startsWith("0:")) expect(sim.state()).toEqual(before);
    });
  }

  it("pause, mission and online set the state, and answer OK when already in it", async () => {
    const steps: Array<[string, string, SimLogin["state"]]> = [
      ["pause", "0: OK pause,1004,501", "paused"],
      ["pause", "0: OK pause,1004,501", "paused"],
      ["mission", "0: OK mission,1004,501", "mission"],
      ["online", "0: OK online,1004,501", "online"],
      ["online", "0: OK online,1004,501", "online"],
    ];
    for (const [action, answer, state] of steps) {
      expect((await agentCommand(sim, { action, agid: "1004" })).body).toBe(answer);
      expect(sim.state().logins).toEqual([{ ...NOA_AT_501, state }]);
    }
  });

  it("logs in, moves extension after logging off, and frees the old one", async () => {
    expect((await agentCommand(sim, { action: "logoff", agid: "1004" })).body).toBe("0: OK logoff,1004,501");
    expect((await agentCommand(sim, { action: "login", agid: "1001", agext: "501" })).body).toBe(
      "0: OK login,1001,501",
    );
    expect((await agentCommand(sim, { action: "login", agid: "1004", agext: "501" })).body).toBe(
      "4: Exten 501 is inuse by 1001",
    );
    expect((await agentCommand(sim, { action: "login", agid: "1004", agext: "600" })).body).toBe(
      "0: OK login,1004,600",
    );
    expect((await agentCommand(sim, { action: "logoff", agid: "1004" })).body).toBe("0: OK logoff,1004,600");
    expect((await agentCommand(sim, { action: "logoff", agid: "1004" })).body).toBe(
      "5: Agent 1004 is already logged off!",
    );
  });

  it("an unknown or missing action is HTTP 400 with a one-line reason", async () => {
    const unknown = await agentCommand(sim, { action: "dance", agid: "1004" });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatch(/^Unknown action "dance"[^\n]*$/);
    const missing = await agentCommand(sim, { agid: "1004" });
    expect(missing.status).toBe(400);
    expect(missing.body).not.toContain("\n");
  });

  it("honours a configured extension set", async () => {
    const small = await startPbxSim({ extensions: "100-199,500-599", state: CALL_CENTRE });
    try {
      expect((await agentCommand(small, { action: "login", agid: "1001", agext: "300" })).body).toBe(
        "2: no such extension",
      );
      expect((await agentCommand(small, { action: "login", agid: "1001", agext: "150" })).body).toBe(
        "0: OK login,1001,150",
      );
      expect((await agentCommand(small, { action: "login", agid: "1002", agext: "599" })).body).toBe(
        "0: OK login,1002,599",
      );
    } finally {
      await small.close();
    }
  });
});
