// Rule 1: the PBX secure code and agent passwords appear in no response body, no log line, no audit row and
// no event. A full scenario at LOG_LEVEL=debug, then a scan of everything the console said or kept.
import { Writable } from "node:stream";
import { sql } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type BodyLog, type Client, SseReader, type TestConsole, startTestConsole } from "./test-support.ts";

const PASSWORDS = {
  created: "Zq7-created-PASS",
  edited: "Xy9-edited-PASS",
  adopted: "Ad0-adopted-PASS",
  refused: "Rf1-refused-PASS",
  unknown: "Uk2-unknown-PASS",
  other: "Ot3-other-PASS",
};

let t: TestConsole;
const logLines: string[] = [];
const bodies: BodyLog = [];
let admin: Client;

beforeAll(async () => {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  t = await startTestConsole({ LOG_LEVEL: "debug", METRICS: "true" }, { logDestination: destination });
  admin = t.client(bodies);
  await admin.signIn("admin", "admin-password-123");
});

afterAll(async () => {
  await t?.stop();
});

it("a full scenario leaves no secret in any response, log line, audit row or event", async () => {
  const secrets = [t.pbx.secure, ...Object.values(PASSWORDS)];
  const stream = await SseReader.open(admin);

  // Onboarding, assignment and every state.
  expect((await admin.call("POST /queues", { body: { id: "2000", name: "Sales" } })).status).toBe(201);
  expect((await admin.call("POST /queues", { body: { id: "2001", name: "Support" } })).status).toBe(201);
  expect(
    (
      await admin.call("POST /agents", {
        body: {
          id: "1001",
          name: "Noa",
          password: PASSWORDS.created,
          outQueueId: "2000",
        },
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await admin.call("PUT /queues/:queueId/agents/:agentId", {
        params: { queueId: "2001", agentId: "1001" },
      })
    ).status,
  ).toBe(200);
  expect(
    (
      await admin.call("PUT /queues/:queueId/agents/:agentId", {
        params: { queueId: "2001", agentId: "1001" },
      })
    ).status,
  ).toBe(200);
  const agent = t.client(bodies);
  await agent.signIn("1001", PASSWORDS.created);
  for (const body of [
    { action: "login", extension: "501" },
    { action: "pause", reason: "Lunch" },
    { action: "online" },
    { action: "mission" },
    { action: "logoff" },
    { action: "logoff" },
  ] as const) {
    expect((await agent.state("1001", body)).status).toBe(200);
  }
  expect(
    (await admin.call("PATCH /agents/:id", { params: { id: "1001" }, body: { password: PASSWORDS.edited } }))
      .status,
  ).toBe(200);
  await agent.signIn("1001", PASSWORDS.edited);
  expect(
    (
      await t
        .client(bodies)
        .call("POST /session", { body: { username: "1001", password: PASSWORDS.created } })
    ).status,
  ).toBe(401);

  // Adopting an agent the PBX already had (new_agent answers 4, then edit_agent with the password).
  const direct = new URLSearchParams({
    action: "new_agent",
    agent_id: "1002",
    agent_pass: PASSWORDS.other,
    agent_name: "Direct",
    agent_out_q: "2000",
    secure: t.pbx.secure,
  });
  await fetch(`${t.pbx.url}/cc3/writedialplane/agents_commands/management_api.php?${direct.toString()}`);
  expect(
    (
      await admin.call("POST /agents", {
        body: {
          id: "1002",
          name: "Adopted",
          password: PASSWORDS.adopted,
          outQueueId: "2000",
        },
      })
    ).status,
  ).toBe(201);

  // Faults: a refusal, a bad answer, garbage, a reset, each on a call that carries a password.
  t.pbx.injectFault({ kind: "storageFailure", actions: ["new_agent"] });
  expect(
    (
      await admin.call("POST /agents", {
        body: {
          id: "1003",
          name: "R",
          password: PASSWORDS.refused,
          outQueueId: "2000",
        },
      })
    ).status,
  ).toBe(502);
  for (const kind of ["http500", "garbage", "reset"] as const) {
    t.pbx.injectFault({ kind, actions: ["edit_agent"] });
    expect(
      (
        await admin.call("PATCH /agents/:id", {
          params: { id: "1002" },
          body: { password: PASSWORDS.unknown },
        })
      ).status,
    ).toBe(502);
  }
  t.pbx.injectFault({ kind: "garbage", actions: ["new_queue"] });
  expect((await admin.call("POST /queues", { body: { id: "2002", name: "G" } })).status).toBe(502);
  // Bad input carrying a password: the error names the field, never the value.
  const bad = await admin.call("POST /agents", {
    body: {
      id: "1004",
      name: "B",
      password: `${PASSWORDS.other} with spaces`,
      outQueueId: "2000",
    },
  });
  expect(bad.status).toBe(400);
  expect(bad.body.error.fields).toHaveProperty("password");
  // Let the follow-ups settle (they are logged and audited too).
  await new Promise((resolve) => setTimeout(resolve, 600));

  // Everything readable over HTTP.
  for (const path of [
    "/api/agents",
    "/api/queues",
    "/api/audit?limit=500",
    "/api/health",
    "/api/session",
    "/api/users",
    "/api/agents/retired",
    "/metrics",
  ]) {
    expect((await admin.request("GET", path)).status).toBe(200);
  }
  stream.close();

  // The scan is not vacuous: there is something in each place.
  expect(logLines.filter((line) => line.includes('"pbx call"')).length).toBeGreaterThan(10);
  expect(logLines.some((line) => line.includes("agent_pass=***") || line.includes("agent_pass%3D***"))).toBe(
    true,
  );
  expect(logLines.some((line) => line.includes("secure=***"))).toBe(true);
  expect(stream.events.length).toBeGreaterThan(5);
  const auditRows = await t.deps.db.selectFrom("audit").selectAll().execute();
  expect(auditRows.length).toBeGreaterThan(15);
  expect(auditRows.some((row) => row.outcome === "unknown")).toBe(true);
  expect(auditRows.some((row) => row.params.includes('"password":"***"'))).toBe(true);

  const tables = ["audit", "events", "sessions", "users", "agents", "queues", "memberships"] as const;
  const dump: string[] = [];
  for (const table of tables) {
    const rows = await sql`select * from ${sql.table(table)}`.execute(t.deps.db);
    dump.push(JSON.stringify(rows.rows));
  }

  const places: Record<string, string[]> = {
    "response bodies": bodies,
    "log lines": logLines,
    "event stream": stream.events.map((event) => event.data),
    "registry tables": dump,
  };
  for (const [place, texts] of Object.entries(places)) {
    for (const secret of secrets) {
      const leaks = texts.filter(
        (text) => text.includes(secret) || text.includes(encodeURIComponent(secret)),
      );
      expect(leaks, `${place} contain ${secret === t.pbx.secure ? "the secure code" : secret}`).toEqual([]);
    }
  }
});
