// Issue 11's concurrency test: 8 sessions act at once on the same 3 agents and their memberships against a
// PBX whose answers are delayed at random (0-50 ms each), so answers overtake each other. The per-fact order
// (design.md rule 8) makes the registry record what the PBX applied, in its order: afterwards every fact equals
// the simulator's state, or the agent is shown unconfirmed. On one console, and (on PostgreSQL) on two consoles
// sharing the database and the PBX, the sessions split over both and every fact checked on each: the
// per-fact order across instances, and each instance's agents list following the other's changes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDialect } from "../test-database.ts";
import { type Client, type TestConsole, defined, startTestConsole } from "../test-support.ts";
import { AGENTS, QUEUES, actAtOnce, differences } from "./concurrency.ts";

const SESSIONS = 8;
const ROUNDS = 40;
const SEED = 20261201;

describe.each(testDialect() === "postgres" ? [1, 2] : [1])("on %i console instance(s)", (count) => {
  const consoles: TestConsole[] = [];
  const sessions: Client[] = [];

  beforeAll(async () => {
    const first = await startTestConsole();
    consoles.push(first);
    const { database } = first.config;
    for (let i = 1; i < count && database.dialect === "postgres"; i++) {
      // The others on the same database, with the first one's (embedded) simulator as their PBX.
      consoles.push(
        await startTestConsole({
          DATABASE_URL: database.url,
          PBX_URL: first.pbx.url,
          PBX_SECURE: first.pbx.secure,
        }),
      );
    }
    for (const queueId of QUEUES) await first.admin.createQueue(queueId);
    const last = defined(consoles.at(-1), "the last console");
    for (const agentId of AGENTS) await last.admin.createAgent(agentId, defined(QUEUES[0], "a queue"));
    for (let i = 0; i < SESSIONS; i++) {
      await first.admin.createSupervisor(`sup${i}`);
      const client = defined(consoles[i % count], "a console").client();
      await client.signIn(`sup${i}`, "supervisor-password-1");
      sessions.push(client);
    }
  });

  afterAll(async () => {
    await Promise.all(consoles.map((c) => c.stop()));
  });

  it("8 sessions at once on 3 agents for 40 rounds, answers overtaking each other: every fact equals the PBX's", async () => {
    const pbx = defined(consoles[0], "the first console").pbx;
    pbx.setLatency({ fixedMs: 0, jitterMs: 50 });
    const wrong: string[] = [];
    const unconfirmed = new Set<string>();
    let statuses: Map<number, number>;
    try {
      statuses = await actAtOnce(sessions, ROUNDS, SEED, async (round) => {
        // Every instance reads the same registry: each must show every change made through any of them.
        for (const [n, { admin }] of consoles.entries()) {
          const agents = await admin.agents();
          for (const difference of differences(agents, await admin.queues(), pbx.state()))
            wrong.push(`round ${round} on instance ${n + 1}: ${difference}`);
          for (const agent of agents)
            if (AGENTS.includes(agent.id) && !agent.confirmed) unconfirmed.add(agent.id);
        }
      });
    } finally {
      pbx.setLatency({ fixedMs: 0 });
    }
    // Every request got an answer of the contract: done, or a conflict with the PBX's state; none waited too long.
    expect(statuses.get(200)).toBeGreaterThan(0);
    for (const status of statuses.keys()) expect([200, 204, 409]).toContain(status);
    // After every round (every answer in), each confirmed fact equals the PBX's...
    expect(wrong).toEqual([]);
    // ...and, as no call timed out, nothing was unknown: no agent was ever shown unconfirmed, so none was skipped.
    expect([...unconfirmed]).toEqual([]);
    // And each agent's state history ends in exactly one open interval: the agent's state as the registry has
    // it (each commit reads the open interval it closes in the agent's own write, under the agent's lock).
    const first = defined(consoles[0], "the first console");
    for (const agent of (await first.admin.agents()).filter((a) => AGENTS.includes(a.id))) {
      const open = await first.deps.db
        .selectFrom("state_history")
        .select(["status", "extension", "reason", "confirmed"])
        .where("agent_id", "=", agent.id)
        .where("ended_at", "is", null)
        .execute();
      expect(open, `agent ${agent.id}`).toEqual([
        { status: agent.status, extension: agent.extension, reason: agent.pauseReason, confirmed: 1 },
      ]);
    }
  }, 60_000);
});
