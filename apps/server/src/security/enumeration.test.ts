// No user enumeration (issue 6, "Attack"): a failed sign-in says the same thing, with the same status and
// headers, whether the username is unknown, disabled, or known with a wrong password, and whether an agent
// id exists, was deleted, or never did; an agent asking about another agent's id learns nothing either.
// Timing: an unknown username costs the same scrypt work as a known one (the decoy hash has the same cost).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, type Reply, type TestConsole, defined, startTestConsole } from "../test-support.ts";

/**
 * A higher scrypt cost than the other suites' (2^10): at 2^13 one hash takes several milliseconds, more
 * than the rest of a sign-in, so skipping it for unknown users would show plainly in the timings.
 */
const SCRYPT_LOG_N = 13;
const SUPERVISOR_PASSWORD = "supervisor-password-1";
const DISABLED_PASSWORD = "disabled-password-12";
const SAMPLES = 10;

let t: TestConsole;
let address = 0;

beforeAll(async () => {
  // Behind a trusted proxy, so each attempt can come from its own address (the per-address limit would
  // otherwise answer 429 before long).
  t = await startTestConsole({ SCRYPT_LOG_N: String(SCRYPT_LOG_N), TRUST_PROXY: "true" });
  for (let i = 0; i < 5; i++) await t.admin.createSupervisor(`sup${i}`, SUPERVISOR_PASSWORD);
  await t.admin.createSupervisor("gone", DISABLED_PASSWORD);
  expect(
    (await t.admin.call("PATCH /users/:username", { params: { username: "gone" }, body: { disabled: true } }))
      .status,
  ).toBe(200);
  await t.admin.createQueue("2000", "Sales");
  await t.admin.createAgent("3001", "2000", "agent-pw-1");
  await t.admin.createAgent("3002", "2000", "agent-pw-2");
  await t.admin.createAgent("3009", "2000", "agent-pw-9");
  expect((await t.admin.call("DELETE /agents/:id", { params: { id: "3009" } })).status).toBe(204);
});

afterAll(async () => {
  await t?.stop();
});

async function signIn(username: string, password: string): Promise<Reply & { ms: number }> {
  const started = performance.now();
  const reply = await t.client().call("POST /session", {
    body: { username, password },
    headers: { "x-forwarded-for": `10.1.${Math.floor(address / 250)}.${(address++ % 250) + 1}` },
  });
  return { ...reply, ms: performance.now() - started };
}

/** What a failed sign-in shows a client: everything but the per-request id and date. */
function visible(reply: Reply) {
  const headers = [...reply.headers.entries()].filter(([name]) => !["x-request-id", "date"].includes(name));
  return { status: reply.status, text: reply.text, headers };
}

describe("one answer for every failed sign-in", () => {
  it("unknown user, disabled user (right or wrong password), wrong password, unknown / deleted / wrong agent", async () => {
    const attempts = {
      "unknown user": await signIn("nobody-here", "some-password-123"),
      "disabled user, right password": await signIn("gone", DISABLED_PASSWORD),
      "disabled user, wrong password": await signIn("gone", "wrong-password-123"),
      "known user, wrong password": await signIn("sup0", "wrong-password-123"),
      "admin, wrong password": await signIn("admin", "wrong-password-123"),
      "agent id that never existed": await signIn("3999", "agent-pw-1"),
      "deleted agent, its old password": await signIn("3009", "agent-pw-9"),
      "agent, wrong password": await signIn("3001", "agent-pw-2"),
      "agent, another agent's password": await signIn("3002", "agent-pw-1"),
    };
    const reference = visible(attempts["unknown user"]);
    expect(reference.status).toBe(401);
    expect(JSON.parse(reference.text)).toEqual({
      error: { code: "UNAUTHENTICATED", message: "Wrong username or password." },
    });
    for (const [what, reply] of Object.entries(attempts)) {
      expect({ what, ...visible(reply) }).toEqual({ what, ...reference });
      expect(reply.headers.get("set-cookie")).toBeNull();
    }
  });

  it("an agent asking for, or acting on, another agent's id gets the same 403 whether that id exists or not", async () => {
    const agent = t.client();
    await agent.signIn("3001", "agent-pw-1");
    const answers = await Promise.all(
      ["3002", "3009", "3999"].flatMap((id) => [
        agent.call("GET /agents/:id", { params: { id } }),
        agent.state(id, { action: "logoff" }),
      ]),
    );
    for (const reply of answers) {
      expect(reply.status).toBe(403);
      expect(reply.text).toBe(defined(answers[0], "the first answer").text);
    }
  });
});

describe("timing", () => {
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    const at = (index: number) => defined(sorted[index], "a sorted value");
    return sorted.length % 2 ? at(middle) : (at(middle - 1) + at(middle)) / 2;
  };

  it("the decoy hash checked for unknown users has the configured cost", () => {
    expect(t.deps.decoyHash.split("$").slice(0, 4)).toEqual(["scrypt", String(SCRYPT_LOG_N), "8", "1"]);
  });

  it(`the median of ${SAMPLES} failed sign-ins for unknown usernames is within 3x of a known username's`, async () => {
    // Warm up both paths (JIT, SQLite statement cache).
    await signIn("warm-up-unknown", "wrong-password-123");
    await signIn("sup4", "wrong-password-123");
    const known: number[] = [];
    const unknown: number[] = [];
    // Interleaved, so a burst of load on the machine hits both sides alike. A few failures per known
    // account, each from its own address, stay under every sign-in limit.
    for (let i = 0; i < SAMPLES; i++) {
      const a = await signIn(`sup${i % 4}`, `wrong-password-${i}`);
      const b = await signIn(`no-such-user-${i}`, `wrong-password-${i}`);
      expect([a.status, b.status]).toEqual([401, 401]);
      known.push(a.ms);
      unknown.push(b.ms);
    }
    const ratio = median(unknown) / median(known);
    expect(
      ratio,
      `known ${median(known).toFixed(1)} ms, unknown ${median(unknown).toFixed(1)} ms`,
    ).toBeGreaterThan(1 / 3);
    expect(ratio).toBeLessThan(3);
  });
});

it("the admin can still sign in (nothing above locked it out)", async () => {
  expect((await signIn("admin", ADMIN_PASSWORD)).status).toBe(200);
});
