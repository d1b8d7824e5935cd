// The contract's rules for new ids and names (packages/api: the SPA's forms check the same), and sign-in
// answers that give the real reason. New ids must not start with 0 (a PBX that keeps ids as numbers reads
// 04010 as 4010), while ids already in a registry keep working; names refuse format characters (bidi
// controls turn text around on the board and in spreadsheets).
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { hashPassword } from "../auth/passwords.ts";
import { type Reply, type TestConsole, pbxDirect, startTestConsole } from "../test-support.ts";

let t: TestConsole;

beforeAll(async () => {
  t = await startTestConsole();
  await t.admin.createQueue("2000", "Sales");
  // A queue and an agent whose ids start with 0, on the PBX and in the registry, as a registry filled before
  // this rule holds them.
  expect(await pbxDirect(t.pbx, { action: "new_queue", queue_id: "0500", queue_name: "Legacy" })).toBe(
    "Success:0:queue created",
  );
  expect(
    await pbxDirect(t.pbx, {
      action: "new_agent",
      agent_id: "0123",
      agent_pass: "pw-0123",
      agent_name: "Legacy agent",
      agent_out_q: "0500",
    }),
  ).toBe("Success:0:agent created");
  await t.deps.db.insertInto("queues").values({ id: "0500", name: "Legacy" }).execute();
  await t.deps.db
    .insertInto("agents")
    .values({
      id: "0123",
      name: "Legacy agent",
      out_queue_id: "0500",
      password_hash: await hashPassword("pw-0123", 10),
      active: 1,
      status: "logged_off",
      extension: null,
      status_since: new Date().toISOString(),
      status_by: null,
      pause_reason: null,
      confirmed: 1,
    })
    .execute();
});

afterAll(async () => {
  await t?.stop();
});

beforeEach(() => {
  t.pbx.clearCalls();
});

function expectRefused(reply: Reply, field: string, message: RegExp) {
  expect(reply.status).toBe(400);
  expect(reply.body.error.code).toBe("VALIDATION");
  expect(reply.body.error.fields?.[field]).toMatch(message);
  expect(t.pbx.calls()).toEqual([]);
}

describe("new agent and queue ids must not start with 0", () => {
  it.each(["04010", "0", "0000000001"])("%s → 400 naming id, nothing sent to the PBX", async (id) => {
    const leadingZero = /must not start with 0 \(a PBX that keeps ids as numbers reads 04010 as 4010\)/;
    expectRefused(
      await t.admin.call("POST /agents", { body: { id, name: "New", password: "pw", outQueueId: "2000" } }),
      "id",
      leadingZero,
    );
    expectRefused(await t.admin.call("POST /queues", { body: { id, name: "New" } }), "id", leadingZero);
  });

  it("ids already in the registry keep working: read, edit, assign, state changes, release, delete", async () => {
    expect((await t.admin.call("GET /agents/:id", { params: { id: "0123" } })).body.agent).toMatchObject({
      id: "0123",
      outQueueId: "0500",
    });
    expect(
      (await t.admin.call("PATCH /agents/:id", { params: { id: "0123" }, body: { name: "Legacy two" } }))
        .status,
    ).toBe(200);
    expect(
      (
        await t.admin.call("PATCH /queues/:queueId", {
          params: { queueId: "0500" },
          body: { name: "Legacy queue" },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await t.admin.call("PUT /queues/:queueId/agents/:agentId", {
          params: { queueId: "0500", agentId: "0123" },
        })
      ).status,
    ).toBe(200);
    expect((await t.admin.state("0123", { action: "login", extension: "501" })).status).toBe(200);
    expect((await t.admin.state("0123", { action: "pause", reason: "Break" })).status).toBe(200);
    const agent = t.client();
    await agent.signIn("0123", "pw-0123");
    expect((await agent.state("0123", { action: "logoff" })).status).toBe(200);
    // A new agent may take a queue with a leading zero as its outgoing queue: the queue exists.
    expect(
      (
        await t.admin.call("POST /agents", {
          body: { id: "4001", name: "N", password: "pw", outQueueId: "0500" },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await t.admin.call("DELETE /queues/:queueId/agents/:agentId", {
          params: { queueId: "0500", agentId: "0123" },
        })
      ).status,
    ).toBe(204);
    expect((await t.admin.call("DELETE /agents/:id", { params: { id: "0123" } })).status).toBe(204);

    const pbx = t.pbx.state();
    expect(pbx.agents.find((each) => each.id === "0123")).toMatchObject({
      name: "Legacy two",
      active: false,
    });
    expect(pbx.queues.find((queue) => queue.id === "0500")).toMatchObject({ name: "Legacy queue" });
    expect(
      t.pbx.calls().map((call) => call.params.agent_id ?? call.params.agid ?? call.params.queue_id),
    ).not.toContain("123");
  });
});

describe("names refuse invisible format characters (\\p{Cf})", () => {
  it.each([
    ["U+202E (right-to-left override)", "Noa \u202Eilev", "U+202E"],
    ["U+200F (right-to-left mark)", "\u200Fשירה", "U+200F"],
    ["U+2066 (left-to-right isolate)", "Sales\u2066", "U+2066"],
    ["U+200B (zero-width space)", "Da\u200Bna", "U+200B"],
    ["U+FEFF (zero-width no-break space)", "E\uFEFFli", "U+FEFF"],
  ])("%s → 400 naming name and the character, nothing sent", async (_what, name, codePoint) => {
    const message = new RegExp(
      `must not contain invisible format characters .*\\(it has ${codePoint.replace("+", "\\+")}\\)`,
    );
    expectRefused(
      await t.admin.call("POST /agents", { body: { id: "4100", name, password: "pw", outQueueId: "2000" } }),
      "name",
      message,
    );
    expectRefused(
      await t.admin.call("PATCH /agents/:id", { params: { id: "4001" }, body: { name } }),
      "name",
      message,
    );
    expectRefused(await t.admin.call("POST /queues", { body: { id: "4100", name } }), "name", message);
    expectRefused(
      await t.admin.call("PATCH /queues/:queueId", { params: { queueId: "2000" }, body: { name } }),
      "name",
      message,
    );
  });

  it("Hebrew and other scripts without format characters are accepted", async () => {
    const reply = await t.admin.call("POST /queues", {
      body: { id: "4200", name: "שירות לקוחות – Ünïcode 客服" },
    });
    expect(reply.status).toBe(201);
  });
});

describe("any name through the API (property-based)", () => {
  it("a random Unicode name is 201 with exactly the trimmed name sent, or 400 naming name with nothing sent; never a 500", async () => {
    let nextId = 5000;
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: "grapheme", maxLength: 70 }),
          fc.string({ unit: "binary", maxLength: 70 }),
          fc.string(),
        ),
        async (name) => {
          t.pbx.clearCalls();
          const id = String(++nextId);
          const reply = await t.admin.call("POST /queues", { body: { id, name } });
          seen.add(reply.status);
          if (reply.status === 400) {
            expect(Object.keys(reply.body.error.fields ?? {})).toEqual(["name"]);
            expect(t.pbx.calls()).toEqual([]);
            return;
          }
          expect(reply.status).toBe(201);
          expect(t.pbx.calls().map((call) => call.params)).toEqual([
            { action: "new_queue", queue_id: id, queue_name: name.trim(), secure: "***" },
          ]);
          expect(t.pbx.state().queues.find((queue) => queue.id === id)?.name).toBe(name.trim());
        },
      ),
      { numRuns: 150 },
    );
    expect([...seen].sort()).toEqual([201, 400]);
  });
});

describe("sign-in answers the real reason for a value that is too long", () => {
  it("a 70-character username and a 300-character password → 400 saying too long, not required", async () => {
    const reply = await t
      .client()
      .call("POST /session", { body: { username: "a".repeat(70), password: "p".repeat(300) } });
    expect(reply.status).toBe(400);
    expect(reply.body.error.fields).toEqual({
      username: "Username or agent id must be at most 64 characters",
      password: "Password must be at most 256 characters",
    });
  });

  it("missing ones still say required", async () => {
    const reply = await t.client().call("POST /session", { body: { username: " ", password: "" } });
    expect(reply.body.error.fields).toEqual({
      username: "Username or agent id is required",
      password: "Password is required",
    });
  });
});
