// Console users for admins: create, list, role, password reset, disable, delete; the last admin stays.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, type TestConsole, startTestConsole } from "../test-support.ts";

let t: TestConsole;
const PASSWORD = "a-good-long-password";

beforeAll(async () => {
  t = await startTestConsole();
});

afterAll(async () => {
  await t?.stop();
});

async function signedIn(username: string, password = PASSWORD) {
  const client = t.client();
  await client.signIn(username, password);
  return client;
}

describe("console users", () => {
  it("creates a user (201) who can sign in, and lists users without their hashes", async () => {
    const reply = await t.admin.post("/api/users", {
      username: "Sara.K",
      role: "supervisor",
      password: PASSWORD,
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({ user: { username: "Sara.K", role: "supervisor", disabled: false } });
    const list = await t.admin.get("/api/users");
    expect(list.status).toBe(200);
    expect(list.body.users).toEqual(
      expect.arrayContaining([
        { username: "admin", role: "admin", disabled: false },
        { username: "Sara.K", role: "supervisor", disabled: false },
      ]),
    );
    expect(list.text).not.toMatch(/scrypt|hash/i);
    const sara = await signedIn("Sara.K");
    expect((await sara.get("/api/session")).body.user).toEqual({ username: "Sara.K", role: "supervisor" });
  });

  it("a taken username → 409 naming the username", async () => {
    await t.admin.createSupervisor("dup", PASSWORD);
    const reply = await t.admin.post("/api/users", { username: "dup", role: "admin", password: PASSWORD });
    expect(reply.status).toBe(409);
    expect(reply.body.error.fields).toHaveProperty("username");
  });

  it.each([
    {
      what: "an 11-character password",
      body: { username: "shorty", role: "supervisor", password: "x".repeat(11) },
      field: "password",
    },
    { what: "no password", body: { username: "shorty", role: "supervisor" }, field: "password" },
    {
      what: "an all-digit username (those are agent ids)",
      body: { username: "1234", role: "supervisor", password: PASSWORD },
      field: "username",
    },
    {
      what: "a username with a space",
      body: { username: "a b", role: "supervisor", password: PASSWORD },
      field: "username",
    },
    { what: "the agent role", body: { username: "ag", role: "agent", password: PASSWORD }, field: "role" },
  ])("$what → 400 naming $field, nothing stored", async ({ body, field }) => {
    const before = (await t.admin.get("/api/users")).body;
    const reply = await t.admin.post("/api/users", body);
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe("VALIDATION");
    expect(reply.body.error.fields).toHaveProperty(field);
    expect((await t.admin.get("/api/users")).body).toEqual(before);
  });

  it("a password reset under 12 characters → 400 naming password", async () => {
    await t.admin.createSupervisor("resetme", PASSWORD);
    const reply = await t.admin.patch("/api/users/resetme", { password: "short" });
    expect(reply.status).toBe(400);
    expect(reply.body.error.fields).toHaveProperty("password");
    await signedIn("resetme");
  });

  it("a password reset ends the user's sessions; the new password works, the old doesn't", async () => {
    await t.admin.createSupervisor("pat", PASSWORD);
    const pat = await signedIn("pat");
    expect((await t.admin.patch("/api/users/pat", { password: "another-long-password" })).status).toBe(200);
    expect((await pat.get("/api/session")).status).toBe(401);
    expect((await t.client().post("/api/session", { username: "pat", password: PASSWORD })).status).toBe(401);
    await signedIn("pat", "another-long-password");
  });

  it("disabling a user ends its sessions and refuses its sign-in with the usual message; enabling restores it", async () => {
    await t.admin.createSupervisor("dora", PASSWORD);
    const dora = await signedIn("dora");
    const dora2 = await signedIn("dora");
    const reply = await t.admin.patch("/api/users/dora", { disabled: true });
    expect(reply.status).toBe(200);
    expect(reply.body.user).toEqual({ username: "dora", role: "supervisor", disabled: true });
    expect((await dora.get("/api/agents")).status).toBe(401);
    expect((await dora2.get("/api/session")).status).toBe(401);
    const refused = await t.client().post("/api/session", { username: "dora", password: PASSWORD });
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toBe("Wrong username or password.");
    expect((await t.admin.patch("/api/users/dora", { disabled: false })).status).toBe(200);
    await signedIn("dora");
  });

  it("a new role takes effect at once: promoted to admin, then the user's old session is gone", async () => {
    await t.admin.createSupervisor("ray", PASSWORD);
    const ray = await signedIn("ray");
    expect((await ray.get("/api/users")).status).toBe(403);
    expect((await t.admin.patch("/api/users/ray", { role: "admin" })).status).toBe(200);
    expect((await ray.get("/api/users")).status).toBe(401);
    const again = await signedIn("ray");
    expect((await again.get("/api/users")).status).toBe(200);
    expect((await t.admin.delete("/api/users/ray")).status).toBe(204);
  });

  it("deleting a user (204) ends its sessions and it can't sign in", async () => {
    await t.admin.createSupervisor("gone", PASSWORD);
    const gone = await signedIn("gone");
    expect((await t.admin.delete("/api/users/gone")).status).toBe(204);
    expect((await gone.get("/api/session")).status).toBe(401);
    expect((await t.client().post("/api/session", { username: "gone", password: PASSWORD })).status).toBe(
      401,
    );
    expect(
      (await t.admin.get("/api/users")).body.users.map((u: { username: string }) => u.username),
    ).not.toContain("gone");
  });

  it("unknown users → 404; a bad username in the path → 400", async () => {
    expect((await t.admin.patch("/api/users/nobody", { disabled: true })).status).toBe(404);
    expect((await t.admin.delete("/api/users/nobody")).status).toBe(404);
    const bad = await t.admin.delete("/api/users/1234");
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toHaveProperty("username");
  });

  it("an empty update → 400", async () => {
    const reply = await t.admin.patch("/api/users/admin", {});
    expect(reply.status).toBe(400);
  });
});

describe("the last admin stays", () => {
  it("can't be disabled, demoted or deleted (409), and keeps working", async () => {
    const users = (await t.admin.get("/api/users")).body.users as { username: string; role: string }[];
    expect(users.filter((user) => user.role === "admin").map((user) => user.username)).toEqual(["admin"]);
    for (const [method, body] of [
      ["PATCH", { disabled: true }],
      ["PATCH", { role: "supervisor" }],
      ["DELETE", undefined],
    ] as const) {
      const reply = await t.admin.request(method, "/api/users/admin", body);
      expect(reply.status).toBe(409);
      expect(reply.body.error.code).toBe("CONFLICT");
    }
    expect((await t.admin.get("/api/session")).status).toBe(200);
    expect((await t.admin.get("/api/users")).body.users).toContainEqual({
      username: "admin",
      role: "admin",
      disabled: false,
    });
  });

  it("a disabled admin doesn't count: with the other admin disabled, the last active one still stays", async () => {
    await t.admin.createUser("second", "admin", PASSWORD);
    expect((await t.admin.patch("/api/users/second", { disabled: true })).status).toBe(200);
    expect((await t.admin.patch("/api/users/admin", { role: "supervisor" })).status).toBe(409);
    expect((await t.admin.delete("/api/users/admin")).status).toBe(409);
    // Re-enabled, the second admin makes the first one removable.
    expect((await t.admin.patch("/api/users/second", { disabled: false })).status).toBe(200);
    const second = await signedIn("second");
    expect((await second.patch("/api/users/admin", { role: "supervisor" })).status).toBe(200);
    expect((await second.patch("/api/users/second", { disabled: true })).status).toBe(409);
    // Restore the first admin for the rest of the file.
    expect((await second.patch("/api/users/admin", { role: "admin" })).status).toBe(200);
    await t.admin.signIn("admin", ADMIN_PASSWORD);
  });
});
