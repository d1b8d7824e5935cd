// Console users for admins: create, list, role, password reset, disable, delete; the last admin stays.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../auth/passwords.ts";
import { ADMIN_PASSWORD, type TestConsole, startTestConsole, defined } from "../test-support.ts";

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
    const reply = await t.admin.call("POST /users", {
      body: {
        username: "Sara.K",
        role: "supervisor",
        password: PASSWORD,
      },
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({ user: { username: "Sara.K", role: "supervisor", disabled: false } });
    const list = await t.admin.call("GET /users");
    expect(list.status).toBe(200);
    expect(list.body.users).toEqual(
      expect.arrayContaining([
        { username: "admin", role: "admin", disabled: false },
        { username: "Sara.K", role: "supervisor", disabled: false },
      ]),
    );
    expect(list.text).not.toMatch(/scrypt|hash/i);
    const sara = await signedIn("Sara.K");
    expect((await sara.call("GET /session")).body.user).toEqual({ username: "Sara.K", role: "supervisor" });
  });

  it("a taken username → 409 naming the username", async () => {
    await t.admin.createSupervisor("dup", PASSWORD);
    const reply = await t.admin.call("POST /users", {
      body: { username: "dup", role: "admin", password: PASSWORD },
    });
    expect(reply.status).toBe(409);
    expect(reply.body.error.fields).toHaveProperty("username");
  });

  it("usernames ignore case: Admin beside admin → 409 naming username; any case signs in to, and names, the one user", async () => {
    const before = (await t.admin.call("GET /users")).body;
    for (const username of ["Admin", "ADMIN", "aDmIn"]) {
      const reply = await t.admin.call("POST /users", {
        body: { username, role: "admin", password: PASSWORD },
      });
      expect(reply.status).toBe(409);
      expect(reply.body.error.code).toBe("CONFLICT");
      expect(reply.body.error.fields).toEqual({
        username: "This username is taken (by admin; usernames ignore case)",
      });
    }
    expect((await t.admin.call("GET /users")).body).toEqual(before);

    const upper = t.client();
    await upper.signIn("ADMIN", ADMIN_PASSWORD);
    expect((await upper.call("GET /session")).body.user).toEqual({ username: "admin", role: "admin" });
    await t.admin.createSupervisor("Mixed.Case", PASSWORD);
    const reply = await t.admin.call("PATCH /users/:username", {
      params: { username: "mixed.case" },
      body: { disabled: true },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.user).toEqual({ username: "Mixed.Case", role: "supervisor", disabled: true });
    expect(
      (await t.admin.call("DELETE /users/:username", { params: { username: "MIXED.CASE" } })).status,
    ).toBe(204);
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
    const before = (await t.admin.call("GET /users")).body;
    const reply = await t.admin.unchecked("POST /users", { body });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe("VALIDATION");
    expect(reply.body.error.fields).toHaveProperty(field);
    expect((await t.admin.call("GET /users")).body).toEqual(before);
  });

  it("a password reset under 12 characters → 400 naming password", async () => {
    await t.admin.createSupervisor("resetme", PASSWORD);
    const reply = await t.admin.call("PATCH /users/:username", {
      params: { username: "resetme" },
      body: { password: "short" },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error.fields).toHaveProperty("password");
    await signedIn("resetme");
  });

  it("a password reset ends the user's sessions; the new password works, the old doesn't", async () => {
    await t.admin.createSupervisor("pat", PASSWORD);
    const pat = await signedIn("pat");
    expect(
      (
        await t.admin.call("PATCH /users/:username", {
          params: { username: "pat" },
          body: { password: "another-long-password" },
        })
      ).status,
    ).toBe(200);
    expect((await pat.call("GET /session")).status).toBe(401);
    expect(
      (await t.client().call("POST /session", { body: { username: "pat", password: PASSWORD } })).status,
    ).toBe(401);
    await signedIn("pat", "another-long-password");
  });

  it("disabling a user ends its sessions and refuses its sign-in with the usual message; enabling restores it", async () => {
    await t.admin.createSupervisor("dora", PASSWORD);
    const dora = await signedIn("dora");
    const dora2 = await signedIn("dora");
    const reply = await t.admin.call("PATCH /users/:username", {
      params: { username: "dora" },
      body: { disabled: true },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.user).toEqual({ username: "dora", role: "supervisor", disabled: true });
    expect((await dora.call("GET /agents")).status).toBe(401);
    expect((await dora2.call("GET /session")).status).toBe(401);
    const refused = await t
      .client()
      .call("POST /session", { body: { username: "dora", password: PASSWORD } });
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toBe("Wrong username or password.");
    expect(
      (
        await t.admin.call("PATCH /users/:username", {
          params: { username: "dora" },
          body: { disabled: false },
        })
      ).status,
    ).toBe(200);
    await signedIn("dora");
  });

  it("a new role takes effect at once: promoted to admin, then the user's old session is gone", async () => {
    await t.admin.createSupervisor("ray", PASSWORD);
    const ray = await signedIn("ray");
    expect((await ray.call("GET /users")).status).toBe(403);
    expect(
      (await t.admin.call("PATCH /users/:username", { params: { username: "ray" }, body: { role: "admin" } }))
        .status,
    ).toBe(200);
    expect((await ray.call("GET /users")).status).toBe(401);
    const again = await signedIn("ray");
    expect((await again.call("GET /users")).status).toBe(200);
    expect((await t.admin.call("DELETE /users/:username", { params: { username: "ray" } })).status).toBe(204);
  });

  it("deleting a user (204) ends its sessions and it can't sign in", async () => {
    await t.admin.createSupervisor("gone", PASSWORD);
    const gone = await signedIn("gone");
    expect((await t.admin.call("DELETE /users/:username", { params: { username: "gone" } })).status).toBe(
      204,
    );
    expect((await gone.call("GET /session")).status).toBe(401);
    expect(
      (await t.client().call("POST /session", { body: { username: "gone", password: PASSWORD } })).status,
    ).toBe(401);
    expect(
      (await t.admin.call("GET /users")).body.users.map((u: { username: string }) => u.username),
    ).not.toContain("gone");
  });

  it("unknown users → 404; a bad username in the path → 400", async () => {
    expect(
      (
        await t.admin.call("PATCH /users/:username", {
          params: { username: "nobody" },
          body: { disabled: true },
        })
      ).status,
    ).toBe(404);
    expect((await t.admin.call("DELETE /users/:username", { params: { username: "nobody" } })).status).toBe(
      404,
    );
    const bad = await t.admin.call("DELETE /users/:username", { params: { username: "1234" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toHaveProperty("username");
  });

  it("an empty update → 400", async () => {
    const reply = await t.admin.call("PATCH /users/:username", { params: { username: "admin" }, body: {} });
    expect(reply.status).toBe(400);
  });
});

describe("the last admin stays", () => {
  it("can't be disabled, demoted or deleted (409), and keeps working", async () => {
    const users = (await t.admin.call("GET /users")).body.users as { username: string; role: string }[];
    expect(users.filter((user) => user.role === "admin").map((user) => user.username)).toEqual(["admin"]);
    for (const [route, body] of [
      ["PATCH /users/:username", { disabled: true }],
      ["PATCH /users/:username", { role: "supervisor" }],
      ["DELETE /users/:username", undefined],
    ] as const) {
      const reply = await t.admin.unchecked(route, { params: { username: "admin" }, body });
      expect(reply.status).toBe(409);
      expect(reply.body.error.code).toBe("CONFLICT");
    }
    expect((await t.admin.call("GET /session")).status).toBe(200);
    expect((await t.admin.call("GET /users")).body.users).toContainEqual({
      username: "admin",
      role: "admin",
      disabled: false,
    });
  });

  it("a disabled admin doesn't count: with the other admin disabled, the last active one still stays", async () => {
    await t.admin.createUser("second", "admin", PASSWORD);
    expect(
      (
        await t.admin.call("PATCH /users/:username", {
          params: { username: "second" },
          body: { disabled: true },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await t.admin.call("PATCH /users/:username", {
          params: { username: "admin" },
          body: { role: "supervisor" },
        })
      ).status,
    ).toBe(409);
    expect((await t.admin.call("DELETE /users/:username", { params: { username: "admin" } })).status).toBe(
      409,
    );
    // Re-enabled, the second admin makes the first one removable.
    expect(
      (
        await t.admin.call("PATCH /users/:username", {
          params: { username: "second" },
          body: { disabled: false },
        })
      ).status,
    ).toBe(200);
    const second = await signedIn("second");
    expect(
      (
        await second.call("PATCH /users/:username", {
          params: { username: "admin" },
          body: { role: "supervisor" },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await second.call("PATCH /users/:username", {
          params: { username: "second" },
          body: { disabled: true },
        })
      ).status,
    ).toBe(409);
    // Restore the first admin for the rest of the file.
    expect(
      (
        await second.call("PATCH /users/:username", {
          params: { username: "admin" },
          body: { role: "admin" },
        })
      ).status,
    ).toBe(200);
    await t.admin.signIn("admin", ADMIN_PASSWORD);
  });
});

describe("two admins removing each other at once", () => {
  let c: TestConsole;
  let hash: string;
  const ROUNDS = 20;

  beforeAll(async () => {
    // A hash of 2^13 takes some milliseconds: both requests are signed in before either changes anything.
    c = await startTestConsole({ SCRYPT_LOG_N: "13" });
    hash = await hashPassword(PASSWORD, 10);
  });
  afterAll(async () => {
    await c?.stop();
  });

  /** Sets the registry straight (test setup): `admin` and `rival`, both enabled admins, each signed in. */
  async function twoAdmins() {
    await c.deps.db.deleteFrom("users").execute();
    const createdAt = new Date().toISOString();
    await c.deps.db
      .insertInto("users")
      .values(
        ["admin", "rival"].map((username) => ({
          username,
          role: "admin" as const,
          password_hash: hash,
          disabled: 0,
          created_at: createdAt,
        })),
      )
      .execute();
    const [admin, rival] = [c.client(), c.client()];
    await admin.signIn("admin", PASSWORD);
    await rival.signIn("rival", PASSWORD);
    return { admin, rival };
  }

  async function enabledAdmins() {
    const rows = await c.deps.db
      .selectFrom("users")
      .select("username")
      .where("role", "=", "admin")
      .where("disabled", "=", 0)
      .execute();
    return rows.map((row) => row.username);
  }

  type Move =
    | readonly ["PATCH /users/:username", Record<string, unknown>]
    | readonly ["DELETE /users/:username", undefined];
  const demote: Move = ["PATCH /users/:username", { role: "supervisor", password: "New-password-123" }];
  const disableAndReset: Move = ["PATCH /users/:username", { disabled: true, password: "New-password-123" }];
  const disable: Move = ["PATCH /users/:username", { disabled: true }];
  const remove: Move = ["DELETE /users/:username", undefined];

  it.each([
    ["demote each other, with a new password (issue 9's example)", demote, demote],
    ["disable each other, with a new password", disableAndReset, disableAndReset],
    ["disable each other", disable, disable],
    ["delete each other", remove, remove],
    ["one deletes while the other demotes", remove, demote],
  ] as const)(
    "%s: one wins, the other is refused, one enabled admin is left, every round",
    async (_what, first, second) => {
      const refusals: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const { admin, rival } = await twoAdmins();
        const replies = await Promise.all([
          admin.unchecked(first[0], { params: { username: "rival" }, body: first[1] }),
          rival.unchecked(second[0], { params: { username: "admin" }, body: second[1] }),
        ]);
        expect(await enabledAdmins()).toHaveLength(1);
        const won = replies.filter((reply) => reply.status === 200 || reply.status === 204);
        const lost = replies.filter((reply) => reply.status !== 200 && reply.status !== 204);
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        const refusal = defined(lost[0], "lost[0]");
        // 409 when both were signed in as the change was checked; 401 when the winner had already ended the
        // loser's session (demoted, disabled and deleted users are signed out at once), so nothing of it ran.
        if (refusal.status === 409) {
          expect(refusal.body.error).toEqual({
            code: "CONFLICT",
            message: "This is the last enabled admin; make another user admin first.",
          });
        } else {
          expect(refusal.status).toBe(401);
        }
        refusals.push(refusal.status);
      }
      // Where both hash a password, both are signed in when the changes are checked: the check refuses one.
      const hashes = [first, second].every((move) => move[1]?.password !== undefined);
      if (hashes) expect(refusals.filter((status) => status === 409).length).toBeGreaterThan(0);
    },
  );
});
