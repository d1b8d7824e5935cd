// Each person's language (issue 13): stored with the console user or the agent, returned by GET and POST
// /api/session, so that it follows them to another browser; any language code is kept (the SPA speaks those it has a catalog for).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, SUPERVISOR_PASSWORD, type TestConsole, startTestConsole } from "../test-support.ts";

let t: TestConsole;

beforeAll(async () => {
  t = await startTestConsole();
  await t.admin.createQueue("2000");
  await t.admin.createAgent("1001", "2000", "agent-pw");
  await t.admin.createSupervisor("sara");
});

afterAll(async () => {
  await t?.stop();
});

describe("PUT /api/session/language", () => {
  it("remembers a console user's language and hands it to their next browser", async () => {
    const first = t.client();
    await first.signIn("sara", SUPERVISOR_PASSWORD);
    expect((await first.call("GET /session")).body.user).toEqual({ username: "sara", role: "supervisor" });

    const reply = await first.call("PUT /session/language", { body: { language: "he" } });
    expect(reply.status).toBe(200);
    expect(reply.body.user).toEqual({ username: "sara", role: "supervisor", language: "he" });
    expect((await first.call("GET /session")).body.user.language).toBe("he");

    const second = t.client();
    expect((await second.signIn("sara", SUPERVISOR_PASSWORD)).body.user.language).toBe("he");
    // Another person's language is their own.
    expect((await t.admin.call("GET /session")).body.user.language).toBeUndefined();
  });

  it("remembers an agent's language with the agent", async () => {
    const agent = t.client();
    await agent.signIn("1001", "agent-pw");
    expect((await agent.call("PUT /session/language", { body: { language: "he" } })).status).toBe(200);
    expect((await agent.call("PUT /session/language", { body: { language: "en" } })).body.user).toEqual({
      username: "1001",
      role: "agent",
      agentId: "1001",
      language: "en",
    });
    const elsewhere = t.client();
    expect((await elsewhere.signIn("1001", "agent-pw")).body.user.language).toBe("en");
  });

  it("accepts only a language code, with the field and a reason code", async () => {
    for (const body of [
      { language: "he-IL!" },
      { language: "Hebrew" },
      { language: "" },
      { language: 7 },
      {},
    ]) {
      const reply = await t.admin.unchecked("PUT /session/language", { body });
      expect(reply.status).toBe(400);
      expect(reply.body.error.code).toBe("VALIDATION");
      expect(reply.body.error.fields?.language).toMatch(/Language/);
      expect(reply.body.error.reasons?.language).toBe(body.language === undefined ? "required" : "invalid");
    }
    expect((await t.admin.call("GET /session")).body.user.language).toBeUndefined();
    // A language the SPA has no catalog for yet is kept: adding its catalog file is all it takes.
    const sara = t.client();
    await sara.signIn("sara", SUPERVISOR_PASSWORD);
    expect((await sara.call("PUT /session/language", { body: { language: "ar" } })).body.user.language).toBe(
      "ar",
    );
  });

  it("needs a session and the CSRF header", async () => {
    expect((await t.client().call("PUT /session/language", { body: { language: "he" } })).status).toBe(401);
    const admin = t.client();
    await admin.signIn("admin", ADMIN_PASSWORD);
    const forged = await admin.call("PUT /session/language", { body: { language: "he" }, csrf: false });
    expect(forged.status).toBe(403);
    expect((await admin.call("GET /session")).body.user.language).toBeUndefined();
  });
});
