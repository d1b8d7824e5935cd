// Every row of crystal-api.md Part 2's management table, by raw HTTP, with the exact answer text.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { startPbxSim } from "./server.ts";
import { CALL_CENTRE, manage, manageRaw } from "./test-helpers.ts";
import type { PbxSim, SimState } from "./types.ts";

type Row = {
  name: string;
  params: Record<string, string>;
  answer: string;
  /** Send no secure parameter at all. */
  noSecure?: boolean;
  then?: (state: SimState) => void;
};

const INVALID = "Failed:1:invalid or missing parameters";
const NAME_64 = "א".repeat(64);
const NAME_65 = "a".repeat(65);

const newAgent = {
  action: "new_agent",
  agent_id: "1010",
  agent_pass: "pw1010",
  agent_name: "Maya",
  agent_out_q: "2000",
};

function agent(state: SimState, id: string) {
  return state.agents.find((candidate) => candidate.id === id);
}

function queue(state: SimState, id: string) {
  return state.queues.find((candidate) => candidate.id === id);
}

const ROWS: Row[] = [
  // check 1: action, secure, required and well formed
  { name: "unknown action", params: { action: "list_agents" }, answer: INVALID },
  { name: "missing action", params: { agent_id: "1001" }, answer: INVALID },
  {
    name: "wrong secure",
    params: { ...newAgent, secure: "wrong" },
    answer: INVALID,
    then: (s) => expect(agent(s, "1010")).toBeUndefined(),
  },
  { name: "missing secure", params: newAgent, noSecure: true, answer: INVALID },
  {
    name: "new_agent missing agent_pass",
    params: { action: "new_agent", agent_id: "1010", agent_name: "Maya", agent_out_q: "2000" },
    answer: INVALID,
  },
  {
    name: "new_agent missing agent_out_q",
    params: { action: "new_agent", agent_id: "1010", agent_pass: "x", agent_name: "Maya" },
    answer: INVALID,
  },
  { name: "new_agent 11-digit id", params: { ...newAgent, agent_id: "12345678901" }, answer: INVALID },
  { name: "new_agent non-digit id", params: { ...newAgent, agent_id: "10a" }, answer: INVALID },
  { name: "new_agent empty id", params: { ...newAgent, agent_id: "" }, answer: INVALID },
  {
    name: "new_agent 11-digit out queue",
    params: { ...newAgent, agent_out_q: "12345678901" },
    answer: INVALID,
  },
  { name: "new_agent 65-character name", params: { ...newAgent, agent_name: NAME_65 }, answer: INVALID },
  { name: "new_agent name of spaces only", params: { ...newAgent, agent_name: "    " }, answer: INVALID },
  {
    name: "new_agent password with a space",
    params: { ...newAgent, agent_pass: "pass word" },
    answer: INVALID,
  },
  {
    name: "new_agent 33-character password",
    params: { ...newAgent, agent_pass: "p".repeat(33) },
    answer: INVALID,
  },
  // new_agent table
  {
    name: "new_agent active id",
    params: { ...newAgent, agent_id: "1001" },
    answer: "Failed:4:agent already exists with id 1001",
  },
  {
    name: "new_agent inactive id",
    params: { ...newAgent, agent_id: "1003" },
    answer: "Failed:9:inactive agent already exists with id 1003",
  },
  {
    name: "new_agent created",
    params: newAgent,
    answer: "Success:0:agent created",
    then: (s) =>
      expect(agent(s, "1010")).toEqual({
        id: "1010",
        name: "Maya",
        password: "pw1010",
        outQueueId: "2000",
        active: true,
      }),
  },
  {
    name: "new_agent 10-digit id, 32-character password",
    params: { ...newAgent, agent_id: "9999999999", agent_pass: "p".repeat(32) },
    answer: "Success:0:agent created",
  },
  {
    name: "new_agent 64-character Hebrew name",
    params: { ...newAgent, agent_name: NAME_64 },
    answer: "Success:0:agent created",
    then: (s) => expect(agent(s, "1010")?.name).toBe(NAME_64),
  },
  {
    name: "new_agent Hebrew name",
    params: { ...newAgent, agent_name: "דנה כהן" },
    answer: "Success:0:agent created",
    then: (s) => expect(agent(s, "1010")?.name).toBe("דנה כהן"),
  },
  {
    name: "new_agent name is trimmed",
    params: { ...newAgent, agent_name: "  Maya Levi  " },
    answer: "Success:0:agent created",
    then: (s) => expect(agent(s, "1010")?.name).toBe("Maya Levi"),
  },
  // edit_agent
  { name: "edit_agent missing agent_id", params: { action: "edit_agent", agent_name: "X" }, answer: INVALID },
  {
    name: "edit_agent malformed agent_pass",
    params: { action: "edit_agent", agent_id: "1001", agent_pass: "a b" },
    answer: INVALID,
  },
  {
    name: "edit_agent malformed agent_name",
    params: { action: "edit_agent", agent_id: "1001", agent_name: "  " },
    answer: INVALID,
  },
  {
    name: "edit_agent malformed agent_out_q",
    params: { action: "edit_agent", agent_id: "1001", agent_out_q: "q1" },
    answer: INVALID,
  },
  {
    name: "edit_agent no such agent",
    params: { action: "edit_agent", agent_id: "9999", agent_name: "X" },
    answer: "Failed:5:no such agent",
  },
  {
    name: "edit_agent inactive agent",
    params: { action: "edit_agent", agent_id: "1003", agent_name: "X" },
    answer: "Failed:5:no such agent",
  },
  {
    name: "edit_agent no such agent, nothing given",
    params: { action: "edit_agent", agent_id: "9999" },
    answer: "Failed:5:no such agent",
  },
  {
    name: "edit_agent nothing to do",
    params: { action: "edit_agent", agent_id: "1001" },
    answer: "Failed:10:nothing to do",
  },
  {
    name: "edit_agent every field unchanged",
    params: {
      action: "edit_agent",
      agent_id: "1001",
      agent_pass: "secret1",
      agent_name: " Dana ",
      agent_out_q: "2000",
    },
    answer: "Failed:10:agent 1001 not updated",
  },
  {
    name: "edit_agent updated",
    params: { action: "edit_agent", agent_id: "1001", agent_name: "Dana Cohen", agent_out_q: "2001" },
    answer: "Success:0:agent 1001 updated",
    then: (s) =>
      expect(agent(s, "1001")).toEqual({
        id: "1001",
        name: "Dana Cohen",
        password: "secret1",
        outQueueId: "2001",
        active: true,
      }),
  },
  {
    name: "edit_agent password only",
    params: { action: "edit_agent", agent_id: "1004", agent_pass: "new-pass" },
    answer: "Success:0:agent 1004 updated",
    then: (s) => expect(agent(s, "1004")?.password).toBe("new-pass"),
  },
  // del_agent
  { name: "del_agent missing agent_id", params: { action: "del_agent" }, answer: INVALID },
  { name: "del_agent malformed agent_id", params: { action: "del_agent", agent_id: "-1" }, answer: INVALID },
  {
    name: "del_agent no such agent",
    params: { action: "del_agent", agent_id: "9999" },
    answer: "Failed:5:no such agent",
  },
  {
    name: "del_agent already deleted",
    params: { action: "del_agent", agent_id: "1003" },
    answer: "Failed:5:no such agent",
  },
  {
    name: "del_agent logged in",
    params: { action: "del_agent", agent_id: "1004" },
    answer: "Failed:2:agent cannot be deleted while logged in",
    then: (s) => expect(agent(s, "1004")?.active).toBe(true),
  },
  {
    name: "del_agent deleted",
    params: { action: "del_agent", agent_id: "1001" },
    answer: "Success:0:agent deleted",
    then: (s) => {
      expect(agent(s, "1001")?.active).toBe(false);
      expect(queue(s, "2000")?.agentIds).toEqual(["1004"]);
    },
  },
  // new_queue
  {
    name: "new_queue missing queue_name",
    params: { action: "new_queue", queue_id: "2002" },
    answer: INVALID,
  },
  {
    name: "new_queue malformed queue_id",
    params: { action: "new_queue", queue_id: "q", queue_name: "X" },
    answer: INVALID,
  },
  {
    name: "new_queue 65-character name",
    params: { action: "new_queue", queue_id: "2002", queue_name: NAME_65 },
    answer: INVALID,
  },
  {
    name: "new_queue exists",
    params: { action: "new_queue", queue_id: "2000", queue_name: "Other" },
    answer: "Failed:5:queue already exists",
  },
  {
    name: "new_queue created",
    params: { action: "new_queue", queue_id: "2002", queue_name: "מכירות" },
    answer: "Success:0:queue created",
    then: (s) => expect(queue(s, "2002")).toEqual({ id: "2002", name: "מכירות", agentIds: [] }),
  },
  // edit_queue
  {
    name: "edit_queue missing queue_name",
    params: { action: "edit_queue", queue_id: "2000" },
    answer: INVALID,
  },
  {
    name: "edit_queue no such queue",
    params: { action: "edit_queue", queue_id: "2999", queue_name: "X" },
    answer: "Failed:7:no such queue with id 2999",
  },
  {
    name: "edit_queue name unchanged",
    params: { action: "edit_queue", queue_id: "2000", queue_name: "Sales" },
    answer: "Failed:10:queue 2000 not updated",
  },
  {
    name: "edit_queue name unchanged after trimming",
    params: { action: "edit_queue", queue_id: "2000", queue_name: " Sales " },
    answer: "Failed:10:queue 2000 not updated",
  },
  {
    name: "edit_queue updated",
    params: { action: "edit_queue", queue_id: "2000", queue_name: "Sales North" },
    answer: "Success:0:queue 2000 updated",
    then: (s) => expect(queue(s, "2000")?.name).toBe("Sales North"),
  },
  // del_queue
  { name: "del_queue missing queue_id", params: { action: "del_queue" }, answer: INVALID },
  {
    name: "del_queue no such queue",
    params: { action: "del_queue", queue_id: "2999" },
    answer: "Failed:7:no such queue with id 2999",
  },
  {
    name: "del_queue deleted with its memberships",
    params: { action: "del_queue", queue_id: "2000" },
    answer: "Success:0:queue deleted",
    then: (s) => expect(queue(s, "2000")).toBeUndefined(),
  },
  // assign_agent
  {
    name: "assign_agent missing queue_id",
    params: { action: "assign_agent", agent_id: "1002" },
    answer: INVALID,
  },
  {
    name: "assign_agent missing agent_id",
    params: { action: "assign_agent", queue_id: "2001" },
    answer: INVALID,
  },
  {
    name: "assign_agent no such queue (checked before the agent)",
    params: { action: "assign_agent", agent_id: "9999", queue_id: "2999" },
    answer: "Failed:11:invalid queue id",
  },
  {
    name: "assign_agent no such agent",
    params: { action: "assign_agent", agent_id: "9999", queue_id: "2001" },
    answer: "Failed:5:no such agent",
  },
  {
    name: "assign_agent inactive agent",
    params: { action: "assign_agent", agent_id: "1003", queue_id: "2001" },
    answer: "Failed:5:no such agent",
  },
  {
    name: "assign_agent already a member",
    params: { action: "assign_agent", agent_id: "1001", queue_id: "2000" },
    answer: "Failed:12:agent 1001 is already assigned to queue 2000",
  },
  {
    name: "assign_agent assigned",
    params: { action: "assign_agent", agent_id: "1002", queue_id: "2001" },
    answer: "Success:0:queue 2001 updated",
    then: (s) => expect(queue(s, "2001")?.agentIds).toEqual(["1002"]),
  },
  // release_agent
  {
    name: "release_agent missing agent_id",
    params: { action: "release_agent", queue_id: "2000" },
    answer: INVALID,
  },
  {
    name: "release_agent no such queue",
    params: { action: "release_agent", agent_id: "1001", queue_id: "2999" },
    answer: "Failed:11:invalid queue id",
  },
  {
    name: "release_agent not a member",
    params: { action: "release_agent", agent_id: "1002", queue_id: "2000" },
    answer: "Failed:13:agent 1002 is not assigned to queue 2000",
  },
  {
    name: "release_agent no such agent",
    params: { action: "release_agent", agent_id: "9999", queue_id: "2000" },
    answer: "Failed:13:agent 9999 is not assigned to queue 2000",
  },
  {
    name: "release_agent released",
    params: { action: "release_agent", agent_id: "1001", queue_id: "2000" },
    answer: "Success:0:queue 2000 updated",
    then: (s) => expect(queue(s, "2000")?.agentIds).toEqual(["1004"]),
  },
];

describe("management_api.php", () => {
  let sim: PbxSim;

  beforeAll(async () => {
    sim = await startPbxSim({ secure: "4324221" });
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
      const params = Object.fromEntries(
        Object.entries(row.params).filter(([, value]) => value !== undefined),
      );
      const before = sim.state();
      const answer = row.noSecure ? await manageRaw(sim, params) : await manage(sim, params);
      expect(answer.status).toBe(200);
      expect(answer.contentType).toBe("text/plain; charset=utf-8");
      expect(answer.body).toBe(row.answer);
      if (row.then) row.then(sim.state());
      if (!row.answer.startsWith("Success:")) expect(sim.state()).toEqual(before);
    });
  }

  it("a deleted agent's id can never be used again", async () => {
    expect((await manage(sim, { action: "del_agent", agent_id: "1001" })).body).toBe(
      "Success:0:agent deleted",
    );
    const state = sim.state();
    expect(state.agents.find((a) => a.id === "1001")?.active).toBe(false);
    expect(state.queues.every((q) => !q.agentIds.includes("1001"))).toBe(true);
    const again = await manage(sim, { ...newAgent, agent_id: "1001" });
    expect(again.body).toBe("Failed:9:inactive agent already exists with id 1001");
    expect((await manage(sim, { action: "assign_agent", agent_id: "1001", queue_id: "2001" })).body).toBe(
      "Failed:5:no such agent",
    );
  });

  it("a deleted agent leaves every queue it was in", async () => {
    await manage(sim, { action: "assign_agent", agent_id: "1001", queue_id: "2001" });
    expect((await manage(sim, { action: "del_agent", agent_id: "1001" })).body).toBe(
      "Success:0:agent deleted",
    );
    expect(sim.state().queues.map((q) => q.agentIds)).toEqual([["1004"], []]);
  });

  it("a deleted queue takes its memberships with it, even when re-created", async () => {
    expect((await manage(sim, { action: "del_queue", queue_id: "2000" })).body).toBe(
      "Success:0:queue deleted",
    );
    expect((await manage(sim, { action: "release_agent", agent_id: "1001", queue_id: "2000" })).body).toBe(
      "Failed:11:invalid queue id",
    );
    expect((await manage(sim, { action: "new_queue", queue_id: "2000", queue_name: "Sales" })).body).toBe(
      "Success:0:queue created",
    );
    expect(sim.state().queues.find((q) => q.id === "2000")?.agentIds).toEqual([]);
  });

  it("decodes the query as UTF-8, with + as a space", async () => {
    const query =
      "action=new_agent&agent_id=1011&agent_pass=x&agent_out_q=2000&agent_name=%D7%93%D7%A0%D7%94+Levi";
    const response = await fetch(
      `${sim.url}/cc3/writedialplane/agents_commands/management_api.php?${query}&secure=4324221`,
    );
    expect(await response.text()).toBe("Success:0:agent created");
    expect(sim.state().agents.find((a) => a.id === "1011")?.name).toBe("דנה Levi");
  });

  it("the vendor's own example URL creates agent 4496", async () => {
    const url =
      `${sim.url}/cc3/writedialplane/agents_commands/management_api.php?action=new_agent&agent_id=4496` +
      "&agent_pass=12345678&agent_name=DemoAgent&secure=4324221&agent_out_q=2000";
    expect(await (await fetch(url)).text()).toBe("Success:0:agent created");
  });

  it("answers 404 off the two endpoints and 405 to other methods", async () => {
    expect((await fetch(`${sim.url}/cc3/other.php`)).status).toBe(404);
    const post = await fetch(
      `${sim.url}/cc3/writedialplane/agents_commands/management_api.php?action=new_agent`,
      {
        method: "POST",
      },
    );
    expect(post.status).toBe(405);
  });
});
