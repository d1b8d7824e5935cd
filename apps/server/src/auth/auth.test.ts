// Sessions (design.md rule 7): cookie attributes, rotation at sign-in, sign-out, idle and absolute expiry,
// one message for every failed sign-in. The sign-in limits are in throttle.test.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRegistry } from "../registry/open.ts";
import { freshRegistry } from "../test-database.ts";
import { ADMIN_PASSWORD, Client, type TestConsole, defined, startTestConsole } from "../test-support.ts";
import { createSessions } from "./sessions.ts";
import { SIGN_IN_POLICY } from "./throttle.ts";

/** Failed sign-ins one address may make over many accounts (throttle.ts). */
const ADDRESS_CAP = SIGN_IN_POLICY.address.failures;

let t: TestConsole;

beforeAll(async () => {
  t = await startTestConsole({ TIME_ZONE: "Asia/Jerusalem" });
  await t.admin.createQueue("2000");
  await t.admin.createAgent("1001", "2000", "agent-pw");
  await t.admin.createSupervisor("sue");
});

afterAll(async () => {
  await t?.stop();
});

const cookieValue = (client: Client) => client.cookie?.split("=").slice(1).join("=") ?? "";

describe("sign-in", () => {
  it("sets an HttpOnly, SameSite=Strict session cookie (not Secure over plain HTTP)", async () => {
    const client = t.client();
    const reply = await client.call("POST /session", {
      body: { username: "admin", password: ADMIN_PASSWORD },
    });
    expect(reply.status).toBe(200);
    // The call centre's time zone comes with the user: the SPA shows every time in it.
    expect(reply.body).toEqual({ user: { username: "admin", role: "admin" }, timeZone: "Asia/Jerusalem" });
    const setCookie = reply.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^cc_session=[A-Za-z0-9_-]{43,}/);
    expect(setCookie).toMatch(/;\s*HttpOnly/i);
    expect(setCookie).toMatch(/;\s*SameSite=Strict/i);
    expect(setCookie).toMatch(/;\s*Path=\//i);
    expect(setCookie).not.toMatch(/;\s*Secure/i);
    expect((await client.call("GET /session")).body).toEqual({
      user: { username: "admin", role: "admin" },
      timeZone: "Asia/Jerusalem",
    });
  });

  it("the session id changes at every sign-in, and the previous one stops working (no fixation)", async () => {
    const client = t.client();
    await client.signIn("sue", "supervisor-password-1");
    const first = defined(client.cookie, "a session cookie");
    await client.signIn("sue", "supervisor-password-1");
    const second = defined(client.cookie, "a session cookie");
    expect(second).not.toBe(first);
    const old = new Client(t.url);
    old.cookie = first;
    expect((await old.call("GET /session")).status).toBe(401);
    expect((await client.call("GET /session")).status).toBe(200);
  });

  it("a session id planted by someone else is never adopted", async () => {
    const client = t.client();
    client.cookie = "cc_session=planted-by-an-attacker";
    expect((await client.call("GET /session")).status).toBe(401);
    await client.signIn("sue", "supervisor-password-1");
    expect(cookieValue(client)).not.toBe("planted-by-an-attacker");
  });

  it("sign-out ends the session on the server: the old cookie no longer works", async () => {
    const client = t.client();
    await client.signIn("sue", "supervisor-password-1");
    const cookie = defined(client.cookie, "a session cookie");
    const reply = await client.call("DELETE /session");
    expect(reply.status).toBe(204);
    expect(reply.headers.get("set-cookie")).toMatch(/cc_session=;/);
    const replay = new Client(t.url);
    replay.cookie = cookie;
    const after = await replay.call("GET /session");
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe("UNAUTHENTICATED");
  });

  it("a wrong password and an unknown user get the same 401 and message", async () => {
    const wrong = await t
      .client()
      .call("POST /session", { body: { username: "sue", password: "not-her-password" } });
    const unknown = await t
      .client()
      .call("POST /session", { body: { username: "nobody", password: "whatever-it-is" } });
    const wrongAgent = await t
      .client()
      .call("POST /session", { body: { username: "1001", password: "nope" } });
    const unknownAgent = await t
      .client()
      .call("POST /session", { body: { username: "9999", password: "nope" } });
    for (const reply of [wrong, unknown, wrongAgent, unknownAgent]) {
      expect(reply.status).toBe(401);
      expect(reply.headers.get("set-cookie")).toBeNull();
    }
    expect(unknown.body).toEqual(wrong.body);
    expect(wrongAgent.body).toEqual(wrong.body);
    expect(unknownAgent.body).toEqual(wrong.body);
    expect(wrong.body.error).toEqual({ code: "UNAUTHENTICATED", message: "Wrong username or password." });
  });

  it("an agent signs in with its agent id and password; a deleted agent can't", async () => {
    await t.admin.createAgent("1002", "2000", "other-pw");
    const agent = t.client();
    const reply = await agent.signIn("1002", "other-pw");
    expect(reply.body.user).toEqual({ username: "1002", role: "agent", agentId: "1002" });
    expect((await agent.agents()).map((a) => a.id)).toEqual(["1002"]);
    expect((await t.admin.call("DELETE /agents/:id", { params: { id: "1002" } })).status).toBe(204);
    // Its session ends with it, and it can't sign in again.
    expect((await agent.call("GET /session")).status).toBe(401);
    expect((await agent.call("GET /queues")).status).toBe(401);
    expect(
      (await t.client().call("POST /session", { body: { username: "1002", password: "other-pw" } })).status,
    ).toBe(401);
  });

  it("a new agent password ends the agent's sessions, as a console user's password reset does", async () => {
    await t.admin.createAgent("1003", "2000", "first-pw");
    const agent = t.client();
    await agent.signIn("1003", "first-pw");
    expect(
      (await t.admin.call("PATCH /agents/:id", { params: { id: "1003" }, body: { name: "Renamed" } })).status,
    ).toBe(200);
    expect((await agent.call("GET /session")).status).toBe(200);
    expect(
      (await t.admin.call("PATCH /agents/:id", { params: { id: "1003" }, body: { password: "second-pw" } }))
        .status,
    ).toBe(200);
    expect((await agent.call("GET /session")).status).toBe(401);
    await agent.signIn("1003", "second-pw");
  });

  it("bad sign-in bodies → 400 naming the field", async () => {
    const noPassword = await t.client().unchecked("POST /session", { body: { username: "admin" } });
    expect(noPassword.status).toBe(400);
    expect(noPassword.body.error.fields).toHaveProperty("password");
    const noUser = await t.client().unchecked("POST /session", { body: { password: "x" } });
    expect(noUser.status).toBe(400);
    expect(noUser.body.error.fields).toHaveProperty("username");
  });
});

describe("behind a trusted proxy", () => {
  let proxied: TestConsole;
  beforeAll(async () => {
    proxied = await startTestConsole({ TRUST_PROXY: "true" });
  });
  afterAll(async () => {
    await proxied?.stop();
  });

  it("over HTTPS the cookie is __Host- and Secure", async () => {
    const client = proxied.client();
    const reply = await client.call("POST /session", {
      body: { username: "admin", password: ADMIN_PASSWORD },
      headers: { "x-forwarded-proto": "https" },
    });
    expect(reply.status).toBe(200);
    const setCookie = reply.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^__Host-cc_session=/);
    expect(setCookie).toMatch(/;\s*Secure/i);
    expect(setCookie).toMatch(/;\s*HttpOnly/i);
    expect(setCookie).toMatch(/;\s*SameSite=Strict/i);
    expect(reply.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
  });

  it("the address is the one the proxy appended (rightmost): failures with a new leftmost entry each reach the address cap", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < ADDRESS_CAP + 2; i++) {
      const reply = await failedSignIn(proxied, `spoof${i}`, `10.0.${i}.1, 192.0.2.1`);
      statuses.push(reply.status);
    }
    expect(statuses.slice(0, ADDRESS_CAP)).toEqual(Array.from({ length: ADDRESS_CAP }, () => 401));
    expect(statuses.slice(ADDRESS_CAP)).toEqual([429, 429]);
    // Another client behind the same proxy is not blocked, whatever it writes on the left.
    expect((await failedSignIn(proxied, "spoof-other", "192.0.2.1, 192.0.2.2")).status).toBe(401);
  });
});

/** One failed sign-in through a proxy that says X-Forwarded-For: `forwardedFor`. */
function failedSignIn(target: TestConsole, username: string, forwardedFor: string) {
  return target.client().call("POST /session", {
    body: { username, password: "wrong" },
    headers: { "x-forwarded-for": forwardedFor },
  });
}

describe("behind two trusted proxies (TRUST_PROXY_HOPS=2)", () => {
  let proxied: TestConsole;
  beforeAll(async () => {
    proxied = await startTestConsole({ TRUST_PROXY: "true", TRUST_PROXY_HOPS: "2" });
  });
  afterAll(async () => {
    await proxied?.stop();
  });

  it("the address is the second entry from the right: spoofed entries on its left change nothing", async () => {
    for (let i = 0; i < ADDRESS_CAP; i++) {
      const reply = await failedSignIn(proxied, `hop${i}`, `10.0.${i}.1, 203.0.113.9, 192.0.2.1`);
      expect(reply.status).toBe(401);
    }
    expect((await failedSignIn(proxied, "hop-cap", "10.9.9.9, 203.0.113.9, 192.0.2.1")).status).toBe(429);
    // The same outer proxy (192.0.2.1) in front of another client: that client is not blocked.
    expect((await failedSignIn(proxied, "hop-31", "203.0.113.10, 192.0.2.1")).status).toBe(401);
  });
});

describe("createSessions: idle and absolute timeouts", () => {
  let dir: string;
  let db: Awaited<ReturnType<typeof openRegistry>>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "crystal-sessions-"));
    db = await openRegistry((await freshRegistry(dir)).target);
  });
  afterAll(async () => {
    await db?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const MINUTE = 60_000;
  const user = { username: "sue", role: "supervisor" as const };

  it("a session idle longer than the idle timeout ends, and its row is gone", async () => {
    let clock = 1_000_000;
    const sessions = createSessions(db, { idleMs: 10 * MINUTE, absoluteMs: 60 * MINUTE }, () => clock);
    const token = await sessions.create(user);
    clock += 9 * MINUTE;
    expect(await sessions.lookup(token)).toEqual(user);
    // Activity keeps it alive: 9 minutes after the last use it is still there.
    clock += 9 * MINUTE;
    expect(await sessions.lookup(token)).toEqual(user);
    clock += 10 * MINUTE + 1;
    expect(await sessions.lookup(token)).toBeNull();
    expect(await db.selectFrom("sessions").selectAll().where("username", "=", "sue").execute()).toEqual([]);
  });

  it("a session in use all along still ends at the absolute timeout", async () => {
    let clock = 5_000_000;
    const sessions = createSessions(db, { idleMs: 10 * MINUTE, absoluteMs: 30 * MINUTE }, () => clock);
    const token = await sessions.create(user);
    for (let minute = 5; minute < 30; minute += 5) {
      clock += 5 * MINUTE;
      expect(await sessions.lookup(token)).toEqual(user);
    }
    clock += 5 * MINUTE + 1;
    expect(await sessions.lookup(token)).toBeNull();
  });

  it("the registry keeps only a hash of the token; tokens are unique and long", async () => {
    const sessions = createSessions(db, { idleMs: MINUTE, absoluteMs: MINUTE });
    const tokens = await Promise.all([1, 2, 3].map(() => sessions.create({ username: "x", role: "admin" })));
    expect(new Set(tokens).size).toBe(3);
    for (const token of tokens) expect(Buffer.from(token, "base64url").length).toBeGreaterThanOrEqual(16);
    const rows = await db.selectFrom("sessions").select("id_hash").where("username", "=", "x").execute();
    expect(rows.map((row) => row.id_hash)).not.toEqual(expect.arrayContaining([tokens[0]]));
    await sessions.endAllFor("x");
    for (const token of tokens) expect(await sessions.lookup(token)).toBeNull();
  });
});
