// Issue 11's concurrency test on one console: 8 sessions act at once on the same 3 agents and their
// memberships against a PBX whose answers are delayed at random (0-50 ms each), so answers overtake each
// other. The per-fact order (design.md rule 8) makes the registry record what the PBX applied, in its order:
// afterwards every fact equals the simulator's state, or the agent is shown unconfirmed.
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Client, type TestConsole, startTestConsole, defined } from "../test-support.ts";
import { AGENTS, QUEUES, actAtOnce, differences } from "./concurrency.ts";

const SESSIONS = 8;
const ROUNDS = 40;
const SEED = 20261201;

let t: TestConsole;
const sessions: Client[] = [];

beforeAll(async () => {
  t = await startTestConsole();
  for (const queueId of QUEUES) await t.admin.createQueue(queueId);
  for (const agentId of AGENTS) await t.admin.createAgent(agentId, defined(QUEUES[0], "QUEUES[0]"));
  for (let i = 0; i < SESSIONS; i++) {
    await t.admin.createSupervisor(`sup${i}`);
    const client = t.client();
    await client.signIn(`sup${i}`, "supervisor-password-1");
    sessions.push(client);
  }
});

afterAll(async () => {
  await t?.stop();
});

it("8 sessions at once on 3 agents for 40 rounds, answers overtaking each other: every fact equals the PBX's", async () => {
  t.pbx.setLatency({ fixedMs: 0, jitterMs: 50 });
  const wrong: string[] = [];
  const unconfirmed = new Set<string>();
  const statuses = await actAtOnce(sessions, ROUNDS, SEED, async (round) => {
    const agents = await t.admin.agents();
    for (const difference of differences(agents, await t.admin.queues(), t.pbx.state()))
      wrong.push(`round ${round}: ${difference}`);
    for (const agent of agents) if (AGENTS.includes(agent.id) && !agent.confirmed) unconfirmed.add(agent.id);
  });
  t.pbx.setLatency({ fixedMs: 0 });
  // Every request got an answer of the contract: done, or a conflict with the PBX's state; none waited too long.
  expect(statuses.get(200)).toBeGreaterThan(0);
  for (const status of statuses.keys()) expect([200, 204, 409]).toContain(status);
  // After every round (every answer in), each confirmed fact equals the PBX's...
  expect(wrong).toEqual([]);
  // ...and, as no call timed out, nothing was unknown: no agent was ever shown unconfirmed, so none was skipped.
  expect([...unconfirmed]).toEqual([]);
});
