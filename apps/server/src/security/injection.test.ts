// Injection in every parameter that reaches the PBX (issue 6, "Attack"): ids, extensions, names, passwords,
// pause reasons and actions carrying `&secure=`, `%26`, `#`, `%00`, newlines, NUL, 10,000 characters or
// right-to-left overrides are either refused with 400 naming the field (and nothing is sent), or encoded so
// the PBX reads exactly the intended value and no extra parameter. Oversize bodies are refused before they are
// read.
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type Reply,
  type TestConsole,
  defined,
  registrySnapshot,
  startTestConsole,
} from "../test-support.ts";

let t: TestConsole;
let nextId = 5000;
const freshId = () => String(++nextId);

beforeAll(async () => {
  t = await startTestConsole();
  await t.admin.createQueue("2000", "Sales");
  await t.admin.createAgent("3001", "2000");
  await t.admin.createAgent("3002", "2000");
  expect((await t.admin.state("3002", { action: "login", extension: "502" })).status).toBe(200);
});

afterAll(async () => {
  await t?.stop();
});

beforeEach(() => {
  t.pbx.clearCalls();
});

/** Values that try to change the PBX request: a parameter, a fragment, an encoded byte, a line break... */
const HOSTILE = {
  "&secure=": "&secure=x",
  "&param=": "&agent_id=1&action=del_agent",
  "%26": "a%26b",
  "#": "a#b",
  "%00": "a%00b",
  "\\n": "a\nb",
  "\\r\\n": "a\r\nb",
  NUL: "a\u0000b",
  "U+202E": "\u202Eevil",
  "10,000 characters": "x".repeat(10_000),
} as const;
type Hostile = keyof typeof HOSTILE;
const hostile = Object.entries(HOSTILE) as [Hostile, string][];

/** Passwords have no whitespace and at most 32 characters, and no control characters either. */
const PASSWORD_REFUSED = new Set<Hostile>(["\\n", "\\r\\n", "NUL", "10,000 characters"]);
/**
 * Refused for names: control characters, format characters (a right-to-left override turns a name around on
 * the board and in a spreadsheet) and over-long values. Everything else must reach the PBX intact.
 */
const NAME_REFUSED = new Set<Hostile>([...PASSWORD_REFUSED, "U+202E"]);

function expectRefused(reply: Reply, field: string) {
  expect({ status: reply.status, code: reply.body.error?.code }).toEqual({ status: 400, code: "VALIDATION" });
  expect(Object.keys(reply.body.error.fields ?? {})).toContain(field);
  expect(t.pbx.calls()).toEqual([]);
}

const lastCall = (action: string) => {
  const calls = t.pbx.calls().filter((call) => call.action === action);
  expect(calls).toHaveLength(1);
  return defined(calls[0], `the ${action} call`);
};
const paramNames = (params: Record<string, string>) => Object.keys(params).sort();

describe("ids and extensions: anything but 1 to 10 digits is refused before anything is sent", () => {
  // Each hostile value on its own, and appended to a valid id (the classic `1234&secure=...`).
  const values = hostile.flatMap(([what, value]) => [
    { what, value },
    { what: `3001 + ${what}`, value: `3001${value}` },
  ]);

  it.each(values)(
    "$what in body ids, the extension and path ids → 400 naming the field",
    async ({ value }) => {
      const before = await registrySnapshot(t.admin);
      const path = encodeURIComponent(value);
      const create = { id: freshId(), name: "N", password: "pw", outQueueId: "2000" };
      expectRefused(await t.admin.call("POST /agents", { body: { ...create, id: value } }), "id");
      expectRefused(
        await t.admin.call("POST /agents", { body: { ...create, outQueueId: value } }),
        "outQueueId",
      );
      expectRefused(
        await t.admin.call("PATCH /agents/:id", { params: { id: "3001" }, body: { outQueueId: value } }),
        "outQueueId",
      );
      expectRefused(await t.admin.state("3001", { action: "login", extension: value }), "extension");
      expectRefused(await t.admin.call("POST /queues", { body: { id: value, name: "Q" } }), "id");
      expectRefused(
        await t.admin.call("PATCH /agents/:id", { params: { id: path }, body: { name: "X" } }),
        "id",
      );
      expectRefused(await t.admin.call("DELETE /agents/:id", { params: { id: path } }), "id");
      expectRefused(await t.admin.state(path, { action: "logoff" }), "id");
      expectRefused(
        await t.admin.call("PATCH /queues/:queueId", { params: { queueId: path }, body: { name: "X" } }),
        "queueId",
      );
      expectRefused(await t.admin.call("DELETE /queues/:queueId", { params: { queueId: path } }), "queueId");
      expectRefused(
        await t.admin.call("PUT /queues/:queueId/agents/:agentId", {
          params: { queueId: "2000", agentId: path },
        }),
        "agentId",
      );
      expectRefused(
        await t.admin.call("PUT /queues/:queueId/agents/:agentId", {
          params: { queueId: path, agentId: "3001" },
        }),
        "queueId",
      );
      expectRefused(
        await t.admin.call("DELETE /queues/:queueId/agents/:agentId", {
          params: { queueId: "2000", agentId: path },
        }),
        "agentId",
      );
      expect(await registrySnapshot(t.admin)).toEqual(before);
    },
  );
});

describe("names: refused, or sent exactly as given", () => {
  it.each(hostile)("agent name with %s", async (what, value) => {
    const id = freshId();
    const reply = await t.admin.call("POST /agents", {
      body: { id, name: value, password: "pw", outQueueId: "2000" },
    });
    if (NAME_REFUSED.has(what)) {
      expectRefused(reply, "name");
      expectRefused(
        await t.admin.call("PATCH /agents/:id", { params: { id: "3001" }, body: { name: value } }),
        "name",
      );
      return;
    }
    expect(reply.status).toBe(201);
    expect(reply.body.agent.name).toBe(value);
    const call = lastCall("new_agent");
    expect(paramNames(call.params)).toEqual([
      "action",
      "agent_id",
      "agent_name",
      "agent_out_q",
      "agent_pass",
      "secure",
    ]);
    expect(call.params).toMatchObject({
      action: "new_agent",
      agent_id: id,
      agent_name: value,
      agent_out_q: "2000",
    });
    expect(t.pbx.state().agents.find((agent) => agent.id === id)).toMatchObject({
      name: value,
      active: true,
    });

    const renamed = `${value}2`;
    expect(
      (await t.admin.call("PATCH /agents/:id", { params: { id }, body: { name: renamed } })).status,
    ).toBe(200);
    const edit = lastCall("edit_agent");
    expect(paramNames(edit.params)).toEqual(["action", "agent_id", "agent_name", "secure"]);
    expect(edit.params).toMatchObject({ agent_id: id, agent_name: renamed });
  });

  it.each(hostile)("queue name with %s", async (what, value) => {
    const id = freshId();
    const reply = await t.admin.call("POST /queues", { body: { id, name: value } });
    if (NAME_REFUSED.has(what)) {
      expectRefused(reply, "name");
      expectRefused(
        await t.admin.call("PATCH /queues/:queueId", { params: { queueId: "2000" }, body: { name: value } }),
        "name",
      );
      return;
    }
    expect(reply.status).toBe(201);
    const call = lastCall("new_queue");
    expect(paramNames(call.params)).toEqual(["action", "queue_id", "queue_name", "secure"]);
    expect(call.params).toMatchObject({ queue_id: id, queue_name: value });
    expect(t.pbx.state().queues.find((queue) => queue.id === id)?.name).toBe(value);

    expect(
      (await t.admin.call("PATCH /queues/:queueId", { params: { queueId: id }, body: { name: `${value}2` } }))
        .status,
    ).toBe(200);
    expect(lastCall("edit_queue").params).toEqual({
      action: "edit_queue",
      queue_id: id,
      queue_name: `${value}2`,
      secure: "***",
    });
  });
});

describe("agent passwords: refused, or stored by the PBX exactly as given", () => {
  it.each(hostile)("password with %s", async (what, value) => {
    const id = freshId();
    const reply = await t.admin.call("POST /agents", {
      body: { id, name: "N", password: value, outQueueId: "2000" },
    });
    if (PASSWORD_REFUSED.has(what)) {
      expectRefused(reply, "password");
      expectRefused(
        await t.admin.call("PATCH /agents/:id", { params: { id: "3001" }, body: { password: value } }),
        "password",
      );
      return;
    }
    expect(reply.status).toBe(201);
    expect(paramNames(lastCall("new_agent").params)).toEqual([
      "action",
      "agent_id",
      "agent_name",
      "agent_out_q",
      "agent_pass",
      "secure",
    ]);
    expect(t.pbx.state().agents.find((agent) => agent.id === id)).toMatchObject({
      password: value,
      name: "N",
    });
    // And the agent signs in with exactly that password.
    expect((await t.client().call("POST /session", { body: { username: id, password: value } })).status).toBe(
      200,
    );

    const changed = `${value}9`;
    expect(
      (await t.admin.call("PATCH /agents/:id", { params: { id }, body: { password: changed } })).status,
    ).toBe(200);
    expect(paramNames(lastCall("edit_agent").params)).toEqual(["action", "agent_id", "agent_pass", "secure"]);
    expect(t.pbx.state().agents.find((agent) => agent.id === id)?.password).toBe(changed);
  });
});

describe("agent commands: the action and the pause reason never reach the PBX as text", () => {
  it.each(hostile)("pause reason with %s → 400 naming reason, nothing sent", async (_what, value) => {
    expectRefused(await t.admin.state("3002", { action: "pause", reason: value }), "reason");
    expectRefused(await t.admin.state("3002", { action: "pause", reason: `Break${value}` }), "reason");
  });

  it.each(hostile)("action with %s → 400 naming action, nothing sent", async (_what, value) => {
    const state = (body: unknown) =>
      t.admin.unchecked("POST /agents/:id/state", { params: { id: "3002" }, body });
    expectRefused(await state({ action: value }), "action");
    expectRefused(await state({ action: `pause${value}` }), "action");
  });

  it("a valid pause sends only action and agid (the PBX keeps no reason)", async () => {
    expect((await t.admin.state("3002", { action: "pause", reason: "Break" })).status).toBe(200);
    expect(lastCall("pause").params).toEqual({ action: "pause", agid: "3002" });
  });
});

describe("oversize bodies are refused before they are read", () => {
  /**
   * Sends the headers (and `sent` bytes of body) of a request announcing or streaming a huge body, never
   * finishing it, and resolves with the answer the server gives without waiting for the rest.
   */
  function partialPost(
    path: string,
    options: { contentLength?: number; sent: number },
  ): Promise<{ status: number; body: string }> {
    const url = new URL(path, t.url);
    return new Promise((resolve, reject) => {
      const req = httpRequest(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-requested-with": "crystal-console",
          cookie: t.admin.cookie ?? "",
          ...(options.contentLength !== undefined ? { "content-length": String(options.contentLength) } : {}),
        },
      });
      const timer = setTimeout(() => {
        req.destroy();
        reject(new Error("no answer before the body was complete"));
      }, 5000);
      req.on("response", (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => {
          clearTimeout(timer);
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body });
        });
      });
      req.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      req.write(`{"id":"9999","name":"${"x".repeat(Math.max(0, options.sent - 30))}`);
    });
  }

  it("a 10 MB body announced by Content-Length → 413 after only its first bytes were sent", async () => {
    for (const path of ["/api/agents", "/api/session", "/api/queues/2000/agents/3001"]) {
      const reply = await partialPost(path, { contentLength: 10 * 1024 * 1024, sent: 1024 });
      expect(reply.status).toBe(413);
      expect(JSON.parse(reply.body)).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
    }
    expect(t.pbx.calls()).toEqual([]);
  });

  it("a chunked body (no Content-Length) → 413 as soon as it passes 64 KB, without reading the rest", async () => {
    const reply = await partialPost("/api/agents", { sent: 100 * 1024 });
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.body)).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
    expect(t.pbx.calls()).toEqual([]);
  });
});
