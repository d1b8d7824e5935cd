// Reason codes beside the English field sentences (issue 13): the sentences stay as they were (the API's
// English), and each field also carries a stable code that the SPA words in the person's language.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestConsole, startTestConsole } from "../test-support.ts";

let t: TestConsole;

beforeAll(async () => {
  t = await startTestConsole();
  await t.admin.createQueue("2000");
  await t.admin.createSupervisor("taken-name");
});

afterAll(async () => {
  await t?.stop();
});

describe("field reasons", () => {
  it("say what the schema found: missing, against the rule, too short", async () => {
    const reply = await t.admin.unchecked("POST /agents", {
      body: { id: "12ab", password: "pw", outQueueId: "2000" },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error.fields).toMatchObject({
      id: "Agent id must be 1 to 10 digits",
      name: "Name is required",
    });
    expect(reply.body.error.reasons).toEqual({ id: "invalid", name: "required" });
    const user = await t.admin.call("POST /users", {
      body: { username: "shorty", role: "supervisor", password: "short" },
    });
    expect(user.body.error.reasons).toEqual({ password: "too_short" });
  });

  it("say what only the server knows: taken, a deleted agent's id, no such queue, an unlisted reason", async () => {
    expect(
      (await t.admin.call("POST /queues", { body: { id: "2000", name: "Again" } })).body.error.reasons,
    ).toEqual({
      id: "taken",
    });
    const user = await t.admin.call("POST /users", {
      body: { username: "taken-name", role: "supervisor", password: "a-long-enough-password" },
    });
    expect(user.body.error.fields?.username).toMatch(/^This username is taken/);
    expect(user.body.error.reasons).toEqual({ username: "taken" });

    const noQueue = await t.admin.call("POST /agents", {
      body: { id: "1001", name: "A", password: "pw", outQueueId: "2999" },
    });
    expect(noQueue.body.error.reasons).toEqual({ outQueueId: "unknown_queue" });

    await t.admin.createAgent("1002", "2000");
    expect(
      (
        await t.admin.call("POST /agents", {
          body: { id: "1002", name: "B", password: "pw", outQueueId: "2000" },
        })
      ).body.error.reasons,
    ).toEqual({ id: "taken" });
    expect((await t.admin.call("DELETE /agents/:id", { params: { id: "1002" } })).status).toBe(204);
    const retired = await t.admin.call("POST /agents", {
      body: { id: "1002", name: "B", password: "pw", outQueueId: "2000" },
    });
    expect(retired.body.error.reasons).toEqual({ id: "retired" });

    await t.admin.createAgent("1003", "2000");
    await t.admin.state("1003", { action: "login", extension: "501" });
    const pause = await t.admin.state("1003", { action: "pause", reason: "Nap" });
    expect(pause.body.error).toMatchObject({ code: "VALIDATION", reasons: { reason: "unlisted_reason" } });
    await t.admin.state("1003", { action: "logoff" });
  });
});
