// POST /api/agents/state against the simulator: 50 agents logged off at once, some of them refused by the
// PBX (deleted on the PBX behind the console's back), some already logged off on the phone, some hit by an
// HTTP 500 (no answer: settled by one follow-up each); every agent reported, the registry agreeing with the
// simulator afterwards, and nothing sent twice but those follow-ups.
import type { ApiError, BulkStateResult } from "@crystal-console/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestConsole, defined, eventually, pbxDirect, startTestConsole } from "../test-support.ts";

let t: TestConsole;
const ids = Array.from({ length: 50 }, (_, index) => String(1001 + index));
/** Deleted on the PBX directly (after a logoff on the phone): the console still has them logged in. */
const deletedOnPbx = ids.slice(40, 44);
/** Logged off on the phone: the console still has them logged in. */
const loggedOffOnPhone = ids.slice(44, 48);

beforeAll(async () => {
  t = await startTestConsole();
  await t.admin.createQueue("2000");
  for (const id of ids) await t.admin.createAgent(id, "2000");
});

afterAll(async () => {
  await t?.stop();
});

async function logInAll() {
  for (const [index, id] of ids.entries()) {
    const reply = await t.admin.state(id, { action: "login", extension: String(200 + index) });
    expect(reply.status).toBe(200);
  }
}

/** The results of a bulk change that was answered 200. */
function resultsOf(body: { results: BulkStateResult[] } | ApiError): BulkStateResult[] {
  if (!("results" in body)) throw new Error(`refused: ${body.error.message}`);
  return body.results;
}

const byOutcome = (results: BulkStateResult[]) => {
  const counts: Record<string, string[]> = {};
  for (const result of results) (counts[result.outcome] ??= []).push(result.agentId);
  return counts;
};

describe("bulk state changes", () => {
  it("logs off 50 agents at once and reports each: ok, converged, refused with the PBX's words, unknown then settled", async () => {
    await logInAll();
    for (const id of [...deletedOnPbx, ...loggedOffOnPhone]) t.pbx.phone({ agentId: id, action: "logoff" });
    for (const id of deletedOnPbx) {
      expect(await pbxDirect(t.pbx, { action: "del_agent", agent_id: id })).toBe("Success:0:agent deleted");
    }
    // The first three logoffs to reach the PBX get HTTP 500 (not applied; the console cannot know that).
    t.pbx.injectFault({ kind: "http500", count: 3, actions: ["logoff"] });
    t.pbx.clearCalls();

    const reply = await t.admin.call("POST /agents/state", { body: { agentIds: ids, action: "logoff" } });
    expect(reply.status).toBe(200);
    const results = resultsOf(reply.body);
    expect(results.map((result) => result.agentId)).toEqual(ids);
    const outcomes = byOutcome(results);
    expect(outcomes.refused).toEqual(deletedOnPbx);
    expect(outcomes.converged).toEqual(loggedOffOnPhone);
    expect(outcomes.unknown).toHaveLength(3);
    expect(outcomes.ok).toHaveLength(50 - 4 - 4 - 3);
    // The unknown ones are among the first eight sent (eight at a time).
    for (const id of outcomes.unknown ?? []) expect(ids.slice(0, 8)).toContain(id);

    for (const result of results.filter((each) => each.outcome === "refused")) {
      expect(result.error).toMatchObject({ code: "CONFLICT", pbx: { code: 1, message: "No such agent!" } });
    }
    for (const result of results.filter((each) => each.outcome === "ok" || each.outcome === "converged")) {
      expect(result.agent).toMatchObject({ id: result.agentId, status: "logged_off", extension: null });
    }
    for (const result of results.filter((each) => each.outcome === "unknown")) {
      expect(result.error?.code).toBe("PBX_BAD_ANSWER");
    }
    // One call per agent, never resent by the bulk itself (the unknown ones get one follow-up each, below).
    const logoffsOf = (id: string) =>
      t.pbx.calls().filter((call) => call.action === "logoff" && call.params.agid === id).length;
    for (const id of ids) if (!outcomes.unknown?.includes(id)) expect(logoffsOf(id)).toBe(1);

    await eventually(async () => {
      const agents = await t.admin.agents();
      const state = t.pbx.state();
      const pbxActive = new Set(state.agents.filter((agent) => agent.active).map((agent) => agent.id));
      const pbxLoggedIn = new Set(state.logins.map((login) => login.agentId));
      for (const agent of agents) {
        // Every agent the PBX has: logged off in both, confirmed.
        if (pbxActive.has(agent.id)) {
          expect({ id: agent.id, status: agent.status, confirmed: agent.confirmed }).toEqual({
            id: agent.id,
            status: pbxLoggedIn.has(agent.id) ? "online" : "logged_off",
            confirmed: true,
          });
        } else {
          // Refused: the registry is left as it was (design.md rule 2); the audit says what the PBX said.
          expect(deletedOnPbx).toContain(agent.id);
          expect(agent.status).toBe("online");
        }
      }
      expect(pbxLoggedIn.size).toBe(0);
    }, 5000);
    for (const id of outcomes.unknown ?? []) expect(logoffsOf(id)).toBe(2);
    const audit = await t.admin.call("GET /audit", {
      query: { agentId: defined(deletedOnPbx[0], "a deleted agent"), action: "logoff" },
    });
    expect((audit.body as { entries: unknown[] }).entries[0]).toMatchObject({
      outcome: "refused",
      pbx: { code: 1, message: "No such agent!" },
    });
  });

  it("pauses a selection with a reason; an agent logged off on the phone is refused and corrected", async () => {
    const selection = ids.slice(0, 6);
    for (const [index, id] of selection.entries()) {
      expect((await t.admin.state(id, { action: "login", extension: String(300 + index) })).status).toBe(200);
    }
    const phoned = defined(selection[5], "a sixth agent");
    t.pbx.phone({ agentId: phoned, action: "logoff" });
    const supervisor = t.client();
    await t.admin.createSupervisor("sue");
    await supervisor.signIn("sue", "supervisor-password-1");
    const reply = await supervisor.call("POST /agents/state", {
      body: { agentIds: [...selection, defined(selection[0], "an agent")], action: "pause", reason: "Lunch" },
    });
    expect(reply.status).toBe(200);
    expect(resultsOf(reply.body).map((result) => [result.agentId, result.outcome])).toEqual([
      ...selection.slice(0, 5).map((id) => [id, "ok"]),
      [selection[5], "refused"],
    ]);
    for (const result of resultsOf(reply.body).slice(0, 5)) {
      expect(result.agent).toMatchObject({ status: "paused", pauseReason: "Lunch" });
    }
    // Answer 5 revealed the truth: the registry has the agent logged off now, and says so in the result.
    expect(resultsOf(reply.body)[5]).toMatchObject({
      agent: { status: "logged_off" },
      error: { pbx: { code: 5, message: `Agent ${selection[5]} is already logged off!` } },
    });
  });

  it.each([
    [{ agentIds: [], action: "logoff" }, "agentIds"],
    [{ agentIds: ["1001"], action: "login" }, "action"],
    [{ agentIds: ["abc"], action: "logoff" }, "agentIds.0"],
    [{ agentIds: ["1001"], action: "pause", reason: "Nap" }, "reason"],
  ])("refuses %j with 400 naming %s, and sends nothing", async (body, field) => {
    t.pbx.clearCalls();
    const reply = await t.admin.unchecked("POST /agents/state", { body });
    expect(reply.status).toBe(400);
    expect(Object.keys((reply.body as ApiError).error.fields ?? {})).toContain(field);
    expect(t.pbx.calls()).toEqual([]);
  });

  it("an unknown agent is failed without a PBX call, the others go ahead", async () => {
    t.pbx.clearCalls();
    const reply = await t.admin.call("POST /agents/state", {
      body: { agentIds: ["1001", "9999"], action: "online" },
    });
    expect(reply.status).toBe(200);
    expect(resultsOf(reply.body)[1]).toMatchObject({
      agentId: "9999",
      outcome: "failed",
      error: { code: "NOT_FOUND" },
    });
    expect(t.pbx.calls().map((call) => call.params.agid)).toEqual(["1001"]);
  });
});
