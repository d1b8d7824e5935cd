// Queues and memberships against the real simulator: create/edit/delete, idempotent assign and release,
// adopting what the PBX already has, refusals, and bad input.
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
let nextId = 2100;
const freshId = () => String(++nextId);
const AGENT = "1001";

beforeAll(async () => {
  t = await startTestConsole();
  await t.admin.createQueue("2000", "Sales");
  await t.admin.createAgent(AGENT, "2000");
});

afterAll(async () => {
  await t?.stop();
});

beforeEach(() => {
  t.pbx.clearFaults();
  t.pbx.clearCalls();
});

const callsFor = (action: string) => t.pbx.calls().filter((call) => call.action === action);
const simQueue = (id: string) => t.pbx.state().queues.find((queue) => queue.id === id);

async function auditFor(queueId: string, action: string) {
  const reply = await t.admin.call("GET /audit", { query: { queueId, action } });
  return reply.body.entries as {
    outcome: string;
    actor: string;
    pbx: { code: number; message: string } | null;
  }[];
}

describe("queues", () => {
  it("creates, renames and deletes a queue, PBX first", async () => {
    const id = freshId();
    const created = await t.admin.call("POST /queues", { body: { id, name: "  שירות  " } });
    expect(created.status).toBe(201);
    expect(created.body.queue).toEqual({ id, name: "שירות", agentIds: [] });
    expect(simQueue(id)).toEqual({ id, name: "שירות", agentIds: [] });

    const renamed = await t.admin.call("PATCH /queues/:queueId", {
      params: { queueId: id },
      body: { name: "Service" },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.queue.name).toBe("Service");
    expect(simQueue(id)?.name).toBe("Service");

    expect((await t.admin.call("DELETE /queues/:queueId", { params: { queueId: id } })).status).toBe(204);
    expect((await t.admin.queues()).map((queue) => queue.id)).not.toContain(id);
    expect(simQueue(id)).toBeUndefined();
  });

  it("deleting a queue takes its memberships with it", async () => {
    const id = freshId();
    await t.admin.createQueue(id);
    expect(
      (
        await t.admin.call("PUT /queues/:queueId/agents/:agentId", {
          params: { queueId: id, agentId: AGENT },
        })
      ).status,
    ).toBe(200);
    expect((await t.admin.agent(AGENT))?.queueIds).toContain(id);
    expect((await t.admin.call("DELETE /queues/:queueId", { params: { queueId: id } })).status).toBe(204);
    expect((await t.admin.agent(AGENT))?.queueIds).not.toContain(id);
  });

  it("a queue id the console already has → 409 without any PBX call", async () => {
    const reply = await t.admin.call("POST /queues", { body: { id: "2000", name: "Again" } });
    expect(reply.status).toBe(409);
    expect(reply.body.error.fields).toHaveProperty("id");
    expect(t.pbx.calls()).toEqual([]);
  });
});

describe("memberships are idempotent ensures", () => {
  it("assigning twice is fine: 200 both times, the second audited as converged", async () => {
    const queue = freshId();
    await t.admin.createQueue(queue);
    const first = await t.admin.call("PUT /queues/:queueId/agents/:agentId", {
      params: { queueId: queue, agentId: AGENT },
    });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ queueId: queue, agentId: AGENT });
    const second = await t.admin.call("PUT /queues/:queueId/agents/:agentId", {
      params: { queueId: queue, agentId: AGENT },
    });
    expect(second.status).toBe(200);
    expect(callsFor("assign_agent").map((call) => call.answer)).toEqual([
      `Success:0:queue ${queue} updated`,
      `Failed:12:agent ${AGENT} is already assigned to queue ${queue}`,
    ]);
    expect((await auditFor(queue, "assign_agent")).map((entry) => entry.outcome)).toEqual([
      "converged",
      "ok",
    ]);
    expect((await t.admin.queues()).find((q) => q.id === queue)?.agentIds).toEqual([AGENT]);
    expect(simQueue(queue)?.agentIds).toEqual([AGENT]);
  });

  it("an assignment made on the PBX directly is adopted: 200, converged, and the registry shows it", async () => {
    const queue = freshId();
    await t.admin.createQueue(queue);
    await pbxDirect(t.pbx, { action: "assign_agent", agent_id: AGENT, queue_id: queue });
    expect(
      (
        await t.admin.call("PUT /queues/:queueId/agents/:agentId", {
          params: { queueId: queue, agentId: AGENT },
        })
      ).status,
    ).toBe(200);
    expect((await auditFor(queue, "assign_agent"))[0]?.outcome).toBe("converged");
    expect((await t.admin.agent(AGENT))?.queueIds).toContain(queue);
  });

  it("releasing a non-member is fine: 204, converged", async () => {
    const queue = freshId();
    await t.admin.createQueue(queue);
    const before = await registrySnapshot(t.admin);
    const reply = await t.admin.call("DELETE /queues/:queueId/agents/:agentId", {
      params: { queueId: queue, agentId: AGENT },
    });
    expect(reply.status).toBe(204);
    expect(callsFor("release_agent")[0]?.answer).toBe(
      `Failed:13:agent ${AGENT} is not assigned to queue ${queue}`,
    );
    expect((await auditFor(queue, "release_agent"))[0]?.outcome).toBe("converged");
    expect(await registrySnapshot(t.admin)).toEqual(before);
  });

  it("a release made on the PBX directly is adopted: 204, and the registry drops the membership", async () => {
    const queue = freshId();
    await t.admin.createQueue(queue);
    await t.admin.call("PUT /queues/:queueId/agents/:agentId", {
      params: { queueId: queue, agentId: AGENT },
    });
    await pbxDirect(t.pbx, { action: "release_agent", agent_id: AGENT, queue_id: queue });
    expect(
      (
        await t.admin.call("DELETE /queues/:queueId/agents/:agentId", {
          params: { queueId: queue, agentId: AGENT },
        })
      ).status,
    ).toBe(204);
    expect((await t.admin.agent(AGENT))?.queueIds).not.toContain(queue);
    expect((await t.admin.queues()).find((q) => q.id === queue)?.agentIds).toEqual([]);
  });

  it("supervisors assign and release too", async () => {
    const queue = freshId();
    await t.admin.createQueue(queue);
    await t.admin.createSupervisor("sam");
    const sam = t.client();
    await sam.signIn("sam", "supervisor-password-1");
    expect(
      (await sam.call("PUT /queues/:queueId/agents/:agentId", { params: { queueId: queue, agentId: AGENT } }))
        .status,
    ).toBe(200);
    expect(simQueue(queue)?.agentIds).toEqual([AGENT]);
    expect(
      (
        await sam.call("DELETE /queues/:queueId/agents/:agentId", {
          params: { queueId: queue, agentId: AGENT },
        })
      ).status,
    ).toBe(204);
    expect(simQueue(queue)?.agentIds).toEqual([]);
  });
});

describe("converge: a queue the PBX already had", () => {
  it("is adopted by POST /api/queues: 201, renamed on the PBX, audit converged", async () => {
    const id = freshId();
    expect(await pbxDirect(t.pbx, { action: "new_queue", queue_id: id, queue_name: "Old" })).toBe(
      "Success:0:queue created",
    );
    t.pbx.clearCalls();
    const reply = await t.admin.call("POST /queues", { body: { id, name: "New" } });
    expect(reply.status).toBe(201);
    expect(reply.body.queue).toEqual({ id, name: "New", agentIds: [] });
    expect(t.pbx.calls().map((call) => [call.action, call.answer])).toEqual([
      ["new_queue", "Failed:5:queue already exists"],
      ["edit_queue", `Success:0:queue ${id} updated`],
    ]);
    expect(simQueue(id)?.name).toBe("New");
    expect((await auditFor(id, "new_queue"))[0]?.outcome).toBe("converged");
  });

  it("deleting a queue the PBX no longer has converges: 204", async () => {
    const id = freshId();
    await t.admin.createQueue(id);
    await pbxDirect(t.pbx, { action: "del_queue", queue_id: id });
    expect((await t.admin.call("DELETE /queues/:queueId", { params: { queueId: id } })).status).toBe(204);
    expect((await auditFor(id, "del_queue"))[0]?.outcome).toBe("converged");
  });
});

describe("PBX refusals", () => {
  it("new_queue storage failure → 502 PBX_REFUSED with pbx code 5 'queue not created', nothing stored", async () => {
    const id = freshId();
    const before = await registrySnapshot(t.admin);
    t.pbx.injectFault({ kind: "storageFailure", actions: ["new_queue"] });
    const reply = await t.admin.call("POST /queues", { body: { id, name: "Nope" } });
    expect(reply.status).toBe(502);
    expect(reply.body.error).toMatchObject({
      code: "PBX_REFUSED",
      pbx: { code: 5, message: "queue not created" },
    });
    expect(await registrySnapshot(t.admin)).toEqual(before);
    expect((await auditFor(id, "new_queue"))[0]).toMatchObject({ outcome: "refused", pbx: { code: 5 } });
  });

  it("del_queue storage failure → 502 PBX_REFUSED with pbx code 8, the queue and its members stay", async () => {
    const id = freshId();
    await t.admin.createQueue(id);
    await t.admin.call("PUT /queues/:queueId/agents/:agentId", { params: { queueId: id, agentId: AGENT } });
    const before = await registrySnapshot(t.admin);
    t.pbx.injectFault({ kind: "storageFailure", actions: ["del_queue"] });
    const reply = await t.admin.call("DELETE /queues/:queueId", { params: { queueId: id } });
    expect(reply.status).toBe(502);
    expect(reply.body.error).toMatchObject({
      code: "PBX_REFUSED",
      pbx: { code: 8, message: "queue not deleted" },
    });
    expect(await registrySnapshot(t.admin)).toEqual(before);
  });

  it("renaming a queue the PBX doesn't have → 409 with pbx code 7, the registry untouched", async () => {
    const id = freshId();
    await t.admin.createQueue(id, "Kept");
    await pbxDirect(t.pbx, { action: "del_queue", queue_id: id });
    const before = await registrySnapshot(t.admin);
    const reply = await t.admin.call("PATCH /queues/:queueId", {
      params: { queueId: id },
      body: { name: "Renamed" },
    });
    expect(reply.status).toBe(409);
    expect(reply.body.error.pbx).toEqual({ code: 7, message: `no such queue with id ${id}` });
    expect(await registrySnapshot(t.admin)).toEqual(before);
  });

  it("assigning to a queue the PBX doesn't have → 409 with pbx code 11, no membership stored", async () => {
    const id = freshId();
    await t.admin.createQueue(id);
    await pbxDirect(t.pbx, { action: "del_queue", queue_id: id });
    const before = await registrySnapshot(t.admin);
    const reply = await t.admin.call("PUT /queues/:queueId/agents/:agentId", {
      params: { queueId: id, agentId: AGENT },
    });
    expect(reply.status).toBe(409);
    expect(reply.body.error.pbx).toEqual({ code: 11, message: "invalid queue id" });
    expect(await registrySnapshot(t.admin)).toEqual(before);
  });

  it.each(["http500", "garbage", "reset"] as const)(
    "%s on assign → 502 PBX_BAD_ANSWER, no membership until the follow-up settles it",
    async (kind) => {
      const queue = freshId();
      await t.admin.createQueue(queue);
      const before = (await t.admin.queues()).find((q) => q.id === queue);
      t.pbx.injectFault({ kind, actions: ["assign_agent"] });
      const reply = await t.admin.call("PUT /queues/:queueId/agents/:agentId", {
        params: { queueId: queue, agentId: AGENT },
      });
      expect(reply.status).toBe(502);
      expect(reply.body.error.code).toBe("PBX_BAD_ANSWER");
      expect((await t.admin.queues()).find((q) => q.id === queue)).toEqual(before);
      expect((await t.admin.agent(AGENT))?.confirmed).toBe(false);
      // The follow-up ensure assigns it (the PBX did not apply the faulty call) and confirms the agent.
      await eventually(async () => {
        expect((await t.admin.queues()).find((q) => q.id === queue)?.agentIds).toEqual([AGENT]);
        expect((await t.admin.agent(AGENT))?.confirmed).toBe(true);
      });
      expect(simQueue(queue)?.agentIds).toEqual([AGENT]);
    },
  );
});

describe("bad input: 400 naming the field, nothing sent, nothing stored", () => {
  const cases: {
    what: string;
    route: RouteKey;
    params?: Record<string, string>;
    body?: unknown;
    field: string;
  }[] = [
    { what: "id abc", route: "POST /queues", body: { id: "abc", name: "Q" }, field: "id" },
    {
      what: "id of 11 digits",
      route: "POST /queues",
      body: { id: "12345678901", name: "Q" },
      field: "id",
    },
    { what: "empty id", route: "POST /queues", body: { id: "", name: "Q" }, field: "id" },
    {
      what: "empty name",
      route: "POST /queues",
      body: { id: "2999", name: "" },
      field: "name",
    },
    {
      what: "whitespace name",
      route: "POST /queues",
      body: { id: "2999", name: "  " },
      field: "name",
    },
    {
      what: "65-character name",
      route: "POST /queues",
      body: { id: "2999", name: "q".repeat(65) },
      field: "name",
    },
    {
      what: "rename to an empty name",
      route: "PATCH /queues/:queueId",
      params: { queueId: "2000" },
      body: { name: " " },
      field: "name",
    },
    {
      what: "path id abc (rename)",
      route: "PATCH /queues/:queueId",
      params: { queueId: "abc" },
      body: { name: "Q" },
      field: "queueId",
    },
    {
      what: "path id of 11 digits (delete)",
      route: "DELETE /queues/:queueId",
      params: { queueId: "12345678901" },
      field: "queueId",
    },
    {
      what: "membership queue abc",
      route: "PUT /queues/:queueId/agents/:agentId",
      params: { queueId: "abc", agentId: AGENT },
      field: "queueId",
    },
    {
      what: "membership agent abc",
      route: "PUT /queues/:queueId/agents/:agentId",
      params: { queueId: "2000", agentId: "abc" },
      field: "agentId",
    },
    {
      what: "membership agent of 11 digits",
      route: "DELETE /queues/:queueId/agents/:agentId",
      params: { queueId: "2000", agentId: "12345678901" },
      field: "agentId",
    },
  ];

  it.each(cases)("$what → 400 naming $field", async ({ route, params, body, field }) => {
    const before = await registrySnapshot(t.admin);
    const simBefore = t.pbx.state();
    t.pbx.clearCalls();
    const reply = await t.admin.unchecked(route, { params, body });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe("VALIDATION");
    expect(Object.keys(reply.body.error.fields ?? {})).toContain(field);
    expect(t.pbx.calls()).toHaveLength(0);
    expect(await registrySnapshot(t.admin)).toEqual(before);
    expect(t.pbx.state()).toEqual(simBefore);
  });

  it("unknown queues and agents → 404, nothing sent", async () => {
    expect(
      (await t.admin.call("PATCH /queues/:queueId", { params: { queueId: "9876" }, body: { name: "X" } }))
        .status,
    ).toBe(404);
    expect((await t.admin.call("DELETE /queues/:queueId", { params: { queueId: "9876" } })).status).toBe(404);
    expect(
      (
        await t.admin.call("PUT /queues/:queueId/agents/:agentId", {
          params: { queueId: "9876", agentId: AGENT },
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await t.admin.call("PUT /queues/:queueId/agents/:agentId", {
          params: { queueId: "2000", agentId: "9876" },
        })
      ).status,
    ).toBe(404);
    expect(t.pbx.calls()).toHaveLength(0);
  });
});
