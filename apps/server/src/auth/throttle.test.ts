// Sign-in limits (issue 9, item 5; throttle.ts): a guesser is slowed, ever more, while the person whose account
// it is signs in from elsewhere as usual; an address that sprays many accounts is capped; a guesser with many
// addresses meets a per-account slowdown, which spares the owner at an address it signed in from before.
// Behind a trusted proxy, so that each request says which address it comes from.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Reply, type TestConsole, startTestConsole } from "../test-support.ts";
import { SIGN_IN_POLICY, delayAfter } from "./throttle.ts";

const PASSWORD = "supervisor-password-1";
let t: TestConsole;

beforeAll(async () => {
  t = await startTestConsole({ TRUST_PROXY: "true" });
  for (const name of ["tina", "tom", "dora", "paula", "nat"]) await t.admin.createSupervisor(name, PASSWORD);
});

afterAll(async () => {
  await t?.stop();
});

function signIn(username: string, password: string, address: string): Promise<Reply> {
  return t
    .client()
    .call("POST /session", { body: { username, password }, headers: { "x-forwarded-for": address } });
}

const sleep = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000 + 100));

function expectRefused(reply: Reply, atMostSeconds: number): number {
  expect(reply.status).toBe(429);
  expect(Object.keys(reply.body.error)).toEqual(["code", "message"]);
  expect(reply.body.error.code).toBe("RATE_LIMITED");
  expect(reply.body.error.message).toMatch(/^Too many failed sign-ins\. Try again in \d+ seconds\.$/);
  const retryAfter = Number(reply.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(atMostSeconds);
  return retryAfter;
}

describe("per account and address: a growing delay", () => {
  it("the attacker's waits grow (1 s, 2 s, 4 s) while the owner signs in from another address", async () => {
    const attacker = "10.0.0.1";
    for (let i = 0; i < 4; i++) expect((await signIn("tina", `wrong-${i}`, attacker)).status).toBe(401);
    // Fourth failure: one second; even the right password waits (the pair can't be told from the owner).
    expect(expectRefused(await signIn("tina", PASSWORD, attacker), 1)).toBe(1);
    expect(expectRefused(await signIn("TINA", "wrong", attacker), 1)).toBe(1);
    // The owner, elsewhere, is not held by any of it.
    expect((await signIn("tina", PASSWORD, "10.0.0.2")).status).toBe(200);
    await sleep(1);
    expect((await signIn("tina", "wrong-4", attacker)).status).toBe(401);
    expect(expectRefused(await signIn("tina", "wrong", attacker), 2)).toBe(2);
    await sleep(2);
    expect((await signIn("tina", "wrong-5", attacker)).status).toBe(401);
    expect(expectRefused(await signIn("tina", "wrong", attacker), 4)).toBe(4);
    expect((await signIn("tina", PASSWORD, "10.0.0.2")).status).toBe(200);
    // Another account from the attacker's address is not slowed by tina's failures.
    expect((await signIn("tom", PASSWORD, attacker)).status).toBe(200);
  });

  it("the delays double up to 15 minutes", () => {
    const waits = Array.from({ length: 16 }, (_, i) => delayAfter(SIGN_IN_POLICY.pair, i + 1));
    expect(waits).toEqual([0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]);
  });

  it("guesses sent all at once from one address run one after the other and meet the same delays", async () => {
    const replies = await Promise.all(
      Array.from({ length: 6 }, (_, i) => signIn("paula", `wrong-${i}`, "10.0.0.5")),
    );
    // As if sent one by one: three free failures, the fourth sets a wait, the rest are refused.
    expect(replies.map((reply) => reply.status).sort()).toEqual([401, 401, 401, 401, 429, 429]);
    await sleep(1);
    expect((await signIn("paula", PASSWORD, "10.0.0.5")).status).toBe(200);
  });

  it("sign-ins of one account from one address at the same moment all go through", async () => {
    const replies = await Promise.all(Array.from({ length: 4 }, () => signIn("paula", PASSWORD, "10.0.0.7")));
    expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 200]);
  });

  it("a successful sign-in clears the pair's failures", async () => {
    for (let i = 0; i < 3; i++) expect((await signIn("tom", "wrong", "10.0.0.6")).status).toBe(401);
    expect((await signIn("tom", PASSWORD, "10.0.0.6")).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await signIn("tom", "wrong", "10.0.0.6")).status).toBe(401);
    expect((await signIn("tom", PASSWORD, "10.0.0.6")).status).toBe(200);
  });
});

describe("per address: a cap on failures over many accounts", () => {
  it(`after ${SIGN_IN_POLICY.address.failures} failures an address is refused, except for accounts that signed in from it`, async () => {
    const sprayer = "10.0.1.1";
    expect((await signIn("nat", PASSWORD, sprayer)).status).toBe(200);
    for (let i = 0; i < SIGN_IN_POLICY.address.failures; i++)
      expect((await signIn(`user${i}`, "password1", sprayer)).status).toBe(401);
    expectRefused(await signIn("another-user", "password1", sprayer), SIGN_IN_POLICY.address.windowSeconds);
    expectRefused(await signIn("dora", PASSWORD, sprayer), SIGN_IN_POLICY.address.windowSeconds);
    // nat has signed in from this address before: not held by the cap.
    expect((await signIn("nat", PASSWORD, sprayer)).status).toBe(200);
    // Other addresses are not affected.
    expect((await signIn("another-user", "password1", "10.0.1.2")).status).toBe(401);
  });
});

describe("per account, from every address: a gentler slowdown", () => {
  it("a guesser with many addresses is slowed; the owner at an address it used before is not", async () => {
    expect((await signIn("dora", PASSWORD, "10.0.2.99")).status).toBe(200);
    const free = SIGN_IN_POLICY.account.free;
    for (let i = 0; i <= free; i++)
      expect((await signIn("dora", "wrong", `10.0.3.${i + 1}`)).status).toBe(401);
    // Beyond the free failures, every address not known to the account waits its turn.
    expectRefused(await signIn("dora", "wrong", "10.0.3.200"), SIGN_IN_POLICY.account.maxSeconds);
    expectRefused(await signIn("dora", PASSWORD, "10.0.3.201"), SIGN_IN_POLICY.account.maxSeconds);
    expect((await signIn("dora", PASSWORD, "10.0.2.99")).status).toBe(200);
    // The wait is short and is a turn, not a lockout: after it, a new address may try again.
    await sleep(delayAfter(SIGN_IN_POLICY.account, free + 1));
    expect((await signIn("dora", PASSWORD, "10.0.3.202")).status).toBe(200);
  });
});
