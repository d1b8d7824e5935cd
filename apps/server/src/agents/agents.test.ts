// Agents against the real simulator: PBX refusals (rule 2), converging on the PBX's real state (rule 3),
// retired ids, and bad input refused before anything is sent (rule 5).
import type { RouteKey } from "@crystal-console/api";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type TestConsole,
  eventually,
  pbxDirect,
  registrySnapshot,
  startTestConsole,
} from "../test-support.ts";

let t: TestConsole;
let nextId = 3000;
const freshId = () => String(++nextId);

beforeAll(async () => {
  t = await startTestConsole();
  await t.admin.createQueue("2000", "Sales");
  await t.admin.createQueue("2001", "Support");
});

afterAll(async () => {
  await t?.stop();
});

beforeEach(() => {
  t.pbx.clearFaults();
  t.pbx.clearCalls();
});

async function lastAudit(filter: { agentId?: string; queueId?: string; action?: string }) {
  const reply = await t.admin.call("GET /audit", { query: { ...filter, limit: 1 } });
  expect(reply.status).toBe(200);
  return reply.body.entries[0] as {
    action: string;
    outcome: string;
    pbx: { code: number; message: string } | null;
    actor: string;
    params: Record<string, string>;
  };
}

const simAgent = (id: string) => t.pbx.state().agents.find((agent) => agent.id === id);
const simLogin = (id: string) => t.pbx.state().logins.find((login) => login.agentId === id);

describe("the happy path", () => {
  it("creates, edits, logs in, pauses with a reason, goes online and on mission, logs off and deletes", async () => {
    const id = freshId();
    const created = await t.admin.call("POST /agents", {
      body: {
        id,
        name: "  דנה לוי  ",
        password: "s3cret",
        outQueueId: "2000",
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.agent).toMatchObject({
      id,
      name: "דנה לוי",
      outQueueId: "2000",
      status: "logged_off",
    });
    expect(simAgent(id)).toMatchObject({
      name: "דנה לוי",
      password: "s3cret",
      outQueueId: "2000",
      active: true,
    });

    const edited = await t.admin.call("PATCH /agents/:id", { params: { id }, body: { outQueueId: "2001" } });
    expect(edited.status).toBe(200);
    expect(edited.body.agent.outQueueId).toBe("2001");
    expect(simAgent(id)?.outQueueId).toBe("2001");

    const login = await t.admin.state(id, { action: "login", extension: "501" });
    expect(login.status).toBe(200);
    expect(login.body.agent).toMatchObject({ status: "online", extension: "501", confirmed: true });
    expect(simLogin(id)).toEqual({ agentId: id, extension: "501", state: "online" });

    const pause = await t.admin.state(id, { action: "pause", reason: "Lunch" });
    expect(pause.body.agent).toMatchObject({ status: "paused", pauseReason: "Lunch", extension: "501" });
    expect(simLogin(id)?.state).toBe("paused");

    const online = await t.admin.state(id, { action: "online" });
    expect(online.body.agent).toMatchObject({ status: "online", pauseReason: null });
    const mission = await t.admin.state(id, { action: "mission" });
    expect(mission.body.agent).toMatchObject({ status: "mission" });
    expect(simLogin(id)?.state).toBe("mission");

    const logoff = await t.admin.state(id, { action: "logoff" });
    expect(logoff.body.agent).toMatchObject({ status: "logged_off", extension: null });
    expect(simLogin(id)).toBeUndefined();

    expect((await t.admin.call("DELETE /agents/:id", { params: { id } })).status).toBe(204);
    expect(await t.admin.agent(id)).toBeUndefined();
    expect(simAgent(id)?.active).toBe(false);
    expect((await t.admin.call("GET /agents/:id", { params: { id } })).status).toBe(404);
  });

  it("answers with the agent as committed: statusSince moves only when the state does, a pause keeps its reason", async () => {
    const id = freshId();
    await t.admin.createAgent(id, "2000");
    expect(
      (
        await t.admin.call("PUT /queues/:queueId/agents/:agentId", {
          params: { queueId: "2001", agentId: id },
        })
      ).status,
    ).toBe(200);
    const login = await t.admin.state(id, { action: "login", extension: "509" });
    const since = login.body.agent.statusSince;
    const paused = await t.admin.state(id, { action: "pause", reason: "Lunch" });
    expect(paused.body.agent).toMatchObject({ status: "paused", pauseReason: "Lunch", queueIds: ["2001"] });
    const pausedSince = paused.body.agent.statusSince;
    expect(pausedSince >= since).toBe(true);
    // Paused again, naming no reason: the same state, so the same time and the reason it had.
    const again = await t.admin.state(id, { action: "pause" });
    expect(again.body.agent).toMatchObject({
      status: "paused",
      pauseReason: "Lunch",
      statusSince: pausedSince,
    });
    expect(again.body.agent.statusBy).toBe("admin");
    // The answer is what the registry holds, and what the live event carried.
    expect(await t.admin.agent(id)).toEqual(again.body.agent);
    const online = await t.admin.state(id, { action: "online" });
    expect(online.body.agent).toMatchObject({ status: "online", pauseReason: null, extension: "509" });
    expect(await t.admin.agent(id)).toEqual(online.body.agent);
    expect((await t.admin.state(id, { action: "logoff" })).status).toBe(200);
  });

  it("an agent signs in with its id and password and sees only itself", async () => {
    const id = freshId();
    await t.admin.createAgent(id, "2000", "agent-pw");
    const agent = t.client();
    const reply = await agent.signIn(id, "agent-pw");
    expect(reply.body.user).toEqual({ username: id, role: "agent", agentId: id });
    expect((await agent.agents()).map((a) => a.id)).toEqual([id]);
    // It can change its own state.
    expect((await agent.state(id, { action: "login", extension: "502" })).status).toBe(200);
    expect((await agent.state(id, { action: "logoff" })).status).toBe(200);
  });

  it("an edited agent password is the one the agent signs in with", async () => {
    const id = freshId();
    await t.admin.createAgent(id, "2000", "first-pw");
    expect(
      (await t.admin.call("PATCH /agents/:id", { params: { id }, body: { password: "second-pw" } })).status,
    ).toBe(200);
    expect(simAgent(id)?.password).toBe("second-pw");
    expect(
      (await t.client().call("POST /session", { body: { username: id, password: "first-pw" } })).status,
    ).toBe(401);
    expect(
      (await t.client().call("POST /session", { body: { username: id, password: "second-pw" } })).status,
    ).toBe(200);
  });
});

describe("PBX refusals: the right status, the PBX's own words, the registry untouched", () => {
  it("new_agent storage failure → 502 PBX_REFUSED with pbx code 3, nothing stored, audited", async () => {
    const before = await registrySnapshot(t.admin);
    const id = freshId();
    t.pbx.injectFault({ kind: "storageFailure", actions: ["new_agent"] });
    const reply = await t.admin.call("POST /agents", {
      body: { id, name: "Nope", password: "pw", outQueueId: "2000" },
    });
    expect(reply.status).toBe(502);
    expect(reply.body.error.code).toBe("PBX_REFUSED");
    expect(reply.body.error.pbx).toEqual({ code: 3, message: "agent not created" });
    expect(await registrySnapshot(t.admin)).toEqual(before);
    expect(simAgent(id)).toBeUndefined();
    expect(await lastAudit({ agentId: id })).toMatchObject({
      action: "new_agent",
      outcome: "refused",
      pbx: { code: 3, message: "agent not created" },
    });
    // Nothing was left behind: the same id can be created once the PBX works again.
    expect(
      (await t.admin.call("POST /agents", { body: { id, name: "Now", password: "pw", outQueueId: "2000" } }))
        .status,
    ).toBe(201);
  });

  it("del_agent storage failure → 502 PBX_REFUSED with pbx code 6, the agent stays", async () => {
    const id = freshId();
    await t.admin.createAgent(id, "2000");
    const before = await registrySnapshot(t.admin);
    t.pbx.injectFault({ kind: "storageFailure", actions: ["del_agent"] });
    const reply = await t.admin.call("DELETE /agents/:id", { params: { id } });
    expect(reply.status).toBe(502);
    expect(reply.body.error).toMatchObject({
      code: "PBX_REFUSED",
      pbx: { code: 6, message: "agent not deleted" },
    });
    expect(await registrySnapshot(t.admin)).toEqual(before);
    expect((await t.admin.call("GET /agents/retired")).body.agentIds).not.toContain(id);
  });

  it("del_agent while logged in → 409 with pbx code 2, the agent stays logged in", async () => {
    const id = freshId();
    await t.admin.createAgent(id, "2000");
    await t.admin.state(id, { action: "login", extension: "503" });
    const before = await registrySnapshot(t.admin);
    const reply = await t.admin.call("DELETE /agents/:id", { params: { id } });
    expect(reply.status).toBe(409);
    expect(reply.body.error).toMatchObject({
      code: "CONFLICT",
      pbx: { code: 2, message: "agent cannot be deleted while logged in" },
    });
    expect(reply.body.error.message).toContain("agent cannot be deleted while logged in");
    expect(await registrySnapshot(t.admin)).toEqual(before);
    expect(simLogin(id)?.extension).toBe("503");
  });

  it("del_agent of an agent logged in from the phone → 409, and the registry learns it is logged in", async () => {
    const id = freshId();
    await t.admin.createAgent(id, "2000");
    t.pbx.phone({ agentId: id, action: "login", extension: "504" });
    const reply = await t.admin.call("DELETE /agents/:id", { params: { id } });
    expect(reply.status).toBe(409);
    expect(reply.body.error.pbx?.code).toBe(2);
    const agent = await t.admin.agent(id);
    expect(agent?.status).not.toBe("logged_off");
    expect(agent?.confirmed).toBe(false); // logged in, at an extension the answer did not name
  });

  it("login at an extension the PBX doesn't have → 409 naming the extension, pbx code 2", async () => {
    const id = freshId();
    await t.admin.createAgent(id, "2000");
    const before = await registrySnapshot(t.admin);
    const reply = await t.admin.state(id, { action: "login", extension: "700" });
    expect(reply.status).toBe(409);
    expect(reply.body.error).toMatchObject({
      code: "CONFLICT",
      pbx: { code: 2, message: "no such extension" },
    });
    expect(reply.body.error.fields).toHaveProperty("extension");
    expect(await registrySnapshot(t.admin)).toEqual(before);
    expect(simLogin(id)).toBeUndefined();
  });

  it("login at an extension another agent holds → 409 with pbx code 4, and the registry shows the holder there", async () => {
    const holder = freshId();
    const id = freshId();
    await t.admin.createAgent(holder, "2000");
    await t.admin.createAgent(id, "2000");
    // The holder logged in on the phone: the console still thinks it is logged off.
    t.pbx.phone({ agentId: holder, action: "login", extension: "555" });
    expect((await t.admin.agent(holder))?.status).toBe("logged_off");

    const reply = await t.admin.state(id, { action: "login", extension: "555" });
    expect(reply.status).toBe(409);
    expect(reply.body.error).toMatchObject({
      code: "CONFLICT",
      pbx: { code: 4, message: `Exten 555 is inuse by ${holder}` },
    });
    expect(await t.admin.agent(holder)).toMatchObject({ status: "online", extension: "555" });
    expect(await t.admin.agent(id)).toMatchObject({ status: "logged_off", extension: null });
    expect(simLogin(id)).toBeUndefined();
  });

  it("editing an agent the PBX no longer has → 409 with pbx code 5, the registry untouched", async () => {
    const id = freshId();
    await t.admin.createAgent(id, "2000");
    expect(await pbxDirect(t.pbx, { action: "del_agent", agent_id: id })).toContain("Success:0");
    const before = await registrySnapshot(t.admin);
    const reply = await t.admin.call("PATCH /agents/:id", { params: { id }, body: { name: "Ghost" } });
    expect(reply.status).toBe(409);
    expect(reply.body.error.pbx).toEqual({ code: 5, message: "no such agent" });
    expect(await registrySnapshot(t.admin)).toEqual(before);
  });

  it("a state change for an agent the PBX doesn't have → 409 with pbx code 1", async () => {
    const id = freshId();
    await t.admin.createAgent(id, "2000");
    await pbxDirect(t.pbx, { action: "del_agent", agent_id: id });
    const before = await registrySnapshot(t.admin);
    const reply = await t.admin.state(id, { action: "login", extension: "520" });
    expect(reply.status).toBe(409);
    expect(reply.body.error.pbx).toEqual({ code: 1, message: "No such agent!" });
    expect(await registrySnapshot(t.admin)).toEqual(before);
  });

  it.each([
    { kind: "http500", code: "PBX_BAD_ANSWER", extension: "530" },
    { kind: "garbage", code: "PBX_BAD_ANSWER", extension: "531" },
    { kind: "reset", code: "PBX_BAD_ANSWER", extension: "532" },
  ] as const)(
    "$kind on a state change → 502 $code, the agent unconfirmed until the follow-up settles it",
    async ({ kind, code, extension }) => {
      const id = freshId();
      await t.admin.createAgent(id, "2000");
      const before = await t.admin.agent(id);
      t.pbx.injectFault({ kind, actions: ["login"] });
      const reply = await t.admin.state(id, { action: "login", extension });
      expect(reply.status).toBe(502);
      expect(reply.body.error.code).toBe(code);
      expect(reply.body.error.pbx).toBeUndefined();
      // Nothing but the "unconfirmed" mark changed.
      expect(await t.admin.agent(id)).toEqual({ ...before, confirmed: false });
      expect(await lastAudit({ agentId: id, action: "login" })).toMatchObject({ outcome: "unknown" });
      // The follow-up ensure (not applied by the PBX the first time) logs it in and confirms it.
      await eventually(async () =>
        expect(await t.admin.agent(id)).toMatchObject({ status: "online", extension, confirmed: true }),
      );
      expect(simLogin(id)?.extension).toBe(extension);
      expect(t.pbx.calls().filter((call) => call.action === "login")).toHaveLength(2);
    },
  );
});

describe("converge: the PBX's real state wins", () => {
  it("adopts an agent the PBX already had: 201, the PBX gets the asked-for fields, audit says converged", async () => {
    const id = freshId();
    expect(
      await pbxDirect(t.pbx, {
        action: "new_agent",
        agent_id: id,
        agent_pass: "old-pass",
        agent_name: "Old Name",
        agent_out_q: "2001",
      }),
    ).toContain("Success:0");
    t.pbx.clearCalls();
    const reply = await t.admin.call("POST /agents", {
      body: {
        id,
        name: "New Name",
        password: "new-pass",
        outQueueId: "2000",
      },
    });
    expect(reply.status).toBe(201);
    expect(reply.body.agent).toMatchObject({ id, name: "New Name", outQueueId: "2000" });
    expect(t.pbx.calls().map((call) => [call.action, call.answer])).toEqual([
      ["new_agent", `Failed:4:agent already exists with id ${id}`],
      ["edit_agent", `Success:0:agent ${id} updated`],
    ]);
    expect(simAgent(id)).toMatchObject({ name: "New Name", password: "new-pass", outQueueId: "2000" });
    expect(await lastAudit({ agentId: id, action: "new_agent" })).toMatchObject({ outcome: "converged" });
    // The adopted agent signs in with the password the console set.
    expect(
      (await t.client().call("POST /session", { body: { username: id, password: "new-pass" } })).status,
    ).toBe(200);
  });

  it("an agent logged in from the phone is corrected when the console's login meets answer 3", async () => {
    const id = freshId();
    await t.admin.createAgent(id, "2000");
    t.pbx.phone({ agentId: id, action: "login", extension: "540" });
    const reply = await t.admin.state(id, { action: "login", extension: "541" });
    expect(reply.status).toBe(409);
    expect(reply.body.error.pbx).toEqual({ code: 3, message: `Agent ${id} not logged off!` });
    const agent = await t.admin.agent(id);
    expect(agent?.status).toBe("online");
    expect(agent?.confirmed).toBe(false);
    expect(simLogin(id)?.extension).toBe("540");
  });

  it("an agent logged off from the phone: pause → 409 with pbx code 5, and the registry shows it logged off", async () => {
    const id = freshId();
    await t.admin.createAgent(id, "2000");
    await t.admin.state(id, { action: "login", extension: "542" });
    t.pbx.phone({ agentId: id, action: "logoff" });
    const reply = await t.admin.state(id, { action: "pause", reason: "Break" });
    expect(reply.status).toBe(409);
    expect(reply.body.error.pbx).toEqual({ code: 5, message: `Agent ${id} is already logged off!` });
    expect(await t.admin.agent(id)).toMatchObject({
      status: "logged_off",
      extension: null,
      pauseReason: null,
    });
    // The extension is free again for someone else.
    const other = freshId();
    await t.admin.createAgent(other, "2000");
    expect((await t.admin.state(other, { action: "login", extension: "542" })).status).toBe(200);
  });

  it("logoff of an already logged-off agent is the wanted state: 200, audit converged", async () => {
    const id = freshId();
    await t.admin.createAgent(id, "2000");
    const reply = await t.admin.state(id, { action: "logoff" });
    expect(reply.status).toBe(200);
    expect(reply.body.agent.status).toBe("logged_off");
    expect(t.pbx.calls().at(-1)?.answer).toBe(`5: Agent ${id} is already logged off!`);
    expect(await lastAudit({ agentId: id, action: "logoff" })).toMatchObject({ outcome: "converged" });
  });

  it("deleting an agent the PBX already deleted converges: 204 and the id is retired", async () => {
    const id = freshId();
    await t.admin.createAgent(id, "2000");
    await pbxDirect(t.pbx, { action: "del_agent", agent_id: id });
    expect((await t.admin.call("DELETE /agents/:id", { params: { id } })).status).toBe(204);
    expect((await t.admin.call("GET /agents/retired")).body.agentIds).toContain(id);
  });

  it("editing with the values the PBX already has converges (answer 10 'not updated'): 200", async () => {
    const id = freshId();
    await t.admin.createAgent(id, "2000", "pw", "Same Name");
    t.pbx.clearCalls();
    const reply = await t.admin.call("PATCH /agents/:id", { params: { id }, body: { name: "Same Name" } });
    expect(reply.status).toBe(200);
    expect(t.pbx.calls()[0]?.answer).toBe(`Failed:10:agent ${id} not updated`);
    expect(await lastAudit({ agentId: id, action: "edit_agent" })).toMatchObject({ outcome: "converged" });
  });
});

describe("retired ids: the PBX never frees a deleted agent's id", () => {
  it("lists a deleted id as retired, and creating it again → 409 without any PBX call", async () => {
    const id = freshId();
    await t.admin.createAgent(id, "2000");
    expect((await t.admin.call("DELETE /agents/:id", { params: { id } })).status).toBe(204);
    const retired = await t.admin.call("GET /agents/retired");
    expect(retired.status).toBe(200);
    expect(retired.body.agentIds).toContain(id);

    t.pbx.clearCalls();
    const before = await registrySnapshot(t.admin);
    const reply = await t.admin.call("POST /agents", {
      body: {
        id,
        name: "Again",
        password: "pw",
        outQueueId: "2000",
      },
    });
    expect(reply.status).toBe(409);
    expect(reply.body.error.code).toBe("CONFLICT");
    expect(reply.body.error.fields).toHaveProperty("id");
    expect(t.pbx.calls()).toEqual([]);
    expect(await registrySnapshot(t.admin)).toEqual(before);
  });

  it("an id the PBX retired before the console knew it → 409 with pbx code 9, then known as retired", async () => {
    const id = freshId();
    await pbxDirect(t.pbx, {
      action: "new_agent",
      agent_id: id,
      agent_pass: "x",
      agent_name: "X",
      agent_out_q: "2000",
    });
    await pbxDirect(t.pbx, { action: "del_agent", agent_id: id });
    const before = await registrySnapshot(t.admin);
    const reply = await t.admin.call("POST /agents", {
      body: {
        id,
        name: "Again",
        password: "pw",
        outQueueId: "2000",
      },
    });
    expect(reply.status).toBe(409);
    expect(reply.body.error.pbx).toEqual({ code: 9, message: `inactive agent already exists with id ${id}` });
    expect(await registrySnapshot(t.admin)).toEqual(before);
    expect((await t.admin.call("GET /agents/retired")).body.agentIds).toContain(id);
    // The second try is refused before the PBX is asked.
    t.pbx.clearCalls();
    expect(
      (
        await t.admin.call("POST /agents", {
          body: { id, name: "Again", password: "pw", outQueueId: "2000" },
        })
      ).status,
    ).toBe(409);
    expect(t.pbx.calls()).toEqual([]);
  });

  it("creating an id that is already active → 409 without any PBX call", async () => {
    const id = freshId();
    await t.admin.createAgent(id, "2000");
    t.pbx.clearCalls();
    const reply = await t.admin.call("POST /agents", {
      body: { id, name: "Dup", password: "pw", outQueueId: "2000" },
    });
    expect(reply.status).toBe(409);
    expect(t.pbx.calls()).toEqual([]);
  });
});

describe("bad input: 400 naming the field, nothing sent, nothing stored", () => {
  let existing: string;
  beforeAll(async () => {
    existing = freshId();
    await t.admin.createAgent(existing, "2000", "pw", "Existing");
  });

  const valid = { id: "4999", name: "Valid Name", password: "pw", outQueueId: "2000" };
  const cases: {
    what: string;
    route: RouteKey;
    params?: () => Record<string, string>;
    body?: unknown;
    field: string;
  }[] = [
    { what: "id abc", route: "POST /agents", body: { ...valid, id: "abc" }, field: "id" },
    {
      what: "id of 11 digits",
      route: "POST /agents",
      body: { ...valid, id: "12345678901" },
      field: "id",
    },
    { what: "empty id", route: "POST /agents", body: { ...valid, id: "" }, field: "id" },
    {
      what: "missing id",
      route: "POST /agents",
      body: { ...valid, id: undefined },
      field: "id",
    },
    {
      what: "numeric id",
      route: "POST /agents",
      body: { ...valid, id: 4999 },
      field: "id",
    },
    {
      what: "empty name",
      route: "POST /agents",
      body: { ...valid, name: "" },
      field: "name",
    },
    {
      what: "whitespace name",
      route: "POST /agents",
      body: { ...valid, name: "   \t " },
      field: "name",
    },
    {
      what: "65-character name",
      route: "POST /agents",
      body: { ...valid, name: "x".repeat(65) },
      field: "name",
    },
    {
      what: "name with a newline",
      route: "POST /agents",
      body: { ...valid, name: "a\nb" },
      field: "name",
    },
    {
      what: "password with a space",
      route: "POST /agents",
      body: { ...valid, password: "pass word" },
      field: "password",
    },
    {
      what: "33-character password",
      route: "POST /agents",
      body: { ...valid, password: "p".repeat(33) },
      field: "password",
    },
    {
      what: "empty password",
      route: "POST /agents",
      body: { ...valid, password: "" },
      field: "password",
    },
    {
      what: "out queue abc",
      route: "POST /agents",
      body: { ...valid, outQueueId: "abc" },
      field: "outQueueId",
    },
    {
      what: "out queue unknown to the console",
      route: "POST /agents",
      body: { ...valid, outQueueId: "9999" },
      field: "outQueueId",
    },
    {
      what: "path id abc (edit)",
      route: "PATCH /agents/:id",
      params: () => ({ id: "abc" }),
      body: { name: "X" },
      field: "id",
    },
    {
      what: "path id of 11 digits (delete)",
      route: "DELETE /agents/:id",
      params: () => ({ id: "12345678901" }),
      field: "id",
    },
    {
      what: "path id abc (state)",
      route: "POST /agents/:id/state",
      params: () => ({ id: "abc" }),
      body: { action: "logoff" },
      field: "id",
    },
    {
      what: "edit with nothing to change",
      route: "PATCH /agents/:id",
      params: () => ({ id: existing }),
      body: {},
      field: "body",
    },
    {
      what: "edit with a 65-character name",
      route: "PATCH /agents/:id",
      params: () => ({ id: existing }),
      body: { name: "y".repeat(65) },
      field: "name",
    },
    {
      what: "edit with a spaced password",
      route: "PATCH /agents/:id",
      params: () => ({ id: existing }),
      body: { password: "a b" },
      field: "password",
    },
    {
      what: "unknown state action",
      route: "POST /agents/:id/state",
      params: () => ({ id: existing }),
      body: { action: "dance" },
      field: "action",
    },
    {
      what: "missing state action",
      route: "POST /agents/:id/state",
      params: () => ({ id: existing }),
      body: {},
      field: "action",
    },
    {
      what: "extension abc",
      route: "POST /agents/:id/state",
      params: () => ({ id: existing }),
      body: { action: "login", extension: "abc" },
      field: "extension",
    },
    {
      what: "missing extension",
      route: "POST /agents/:id/state",
      params: () => ({ id: existing }),
      body: { action: "login" },
      field: "extension",
    },
    {
      what: "extension of 11 digits",
      route: "POST /agents/:id/state",
      params: () => ({ id: existing }),
      body: { action: "login", extension: "12345678901" },
      field: "extension",
    },
    {
      what: "unknown pause reason",
      route: "POST /agents/:id/state",
      params: () => ({ id: existing }),
      body: { action: "pause", reason: "Nap" },
      field: "reason",
    },
  ];

  it.each(cases)("$what → 400 naming $field", async ({ route, params, body, field }) => {
    const before = await registrySnapshot(t.admin);
    const simBefore = t.pbx.state();
    t.pbx.clearCalls();
    const reply = await t.admin.unchecked(route, { params: params?.(), body });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe("VALIDATION");
    expect(Object.keys(reply.body.error.fields ?? {})).toContain(field);
    expect(t.pbx.calls()).toHaveLength(0);
    expect(await registrySnapshot(t.admin)).toEqual(before);
    expect(t.pbx.state()).toEqual(simBefore);
  });

  it("invalid JSON → 400 naming the body, nothing sent", async () => {
    t.pbx.clearCalls();
    const reply = await t.admin.unchecked("POST /agents", { raw: '{"id": "1",' });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe("VALIDATION");
    expect(reply.body.error.fields).toHaveProperty("body");
    expect(t.pbx.calls()).toHaveLength(0);
  });

  it("a body over 64 KB → 413, nothing sent or stored", async () => {
    const before = await registrySnapshot(t.admin);
    t.pbx.clearCalls();
    const reply = await t.admin.unchecked("POST /agents", {
      body: { ...valid, name: "n", padding: "x".repeat(65 * 1024) },
    });
    expect(reply.status).toBe(413);
    expect(reply.body.error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(t.pbx.calls()).toHaveLength(0);
    expect(await registrySnapshot(t.admin)).toEqual(before);
  });

  it("Hebrew names and names of 64 characters (code points, not UTF-16 units) are accepted", async () => {
    const hebrew = freshId();
    const reply = await t.admin.call("POST /agents", {
      body: {
        id: hebrew,
        name: "שירה אברהם",
        password: "pw",
        outQueueId: "2000",
      },
    });
    expect(reply.status).toBe(201);
    expect(reply.body.agent.name).toBe("שירה אברהם");
    expect(simAgent(hebrew)?.name).toBe("שירה אברהם");

    const long = freshId();
    const name = "😀".repeat(64);
    const longReply = await t.admin.call("POST /agents", {
      body: {
        id: long,
        name,
        password: "pw",
        outQueueId: "2000",
      },
    });
    expect(longReply.status).toBe(201);
    expect(simAgent(long)?.name).toBe(name);
  });

  it("a name with URL metacharacters reaches the PBX intact (parameters are URL-encoded)", async () => {
    const id = freshId();
    const name = "A&B=C?#% +D";
    expect(
      (await t.admin.call("POST /agents", { body: { id, name, password: "p&w=1#", outQueueId: "2000" } }))
        .status,
    ).toBe(201);
    expect(simAgent(id)).toMatchObject({ name, password: "p&w=1#", outQueueId: "2000" });
  });

  it("an empty id in the path matches no route: 404, nothing sent", async () => {
    t.pbx.clearCalls();
    expect((await t.admin.unchecked("DELETE /agents/:id", { params: { id: "" } })).status).toBe(404);
    expect(
      (await t.admin.unchecked("PATCH /agents/:id", { params: { id: "" }, body: { name: "X" } })).status,
    ).toBe(404);
    expect(
      (await t.admin.unchecked("POST /agents/:id/state", { params: { id: "" }, body: { action: "logoff" } }))
        .status,
    ).toBe(404);
    expect(t.pbx.calls()).toHaveLength(0);
  });

  it("unknown agents → 404 for edit, delete and state changes, nothing sent", async () => {
    t.pbx.clearCalls();
    expect(
      (await t.admin.call("PATCH /agents/:id", { params: { id: "8888" }, body: { name: "X" } })).status,
    ).toBe(404);
    expect((await t.admin.call("DELETE /agents/:id", { params: { id: "8888" } })).status).toBe(404);
    expect((await t.admin.state("8888", { action: "logoff" })).status).toBe(404);
    expect(t.pbx.calls()).toHaveLength(0);
  });
});
