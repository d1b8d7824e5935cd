// Deletions racing the writes that touch what they delete (issue 11, what was left untested): a queue
// deleted while its members are released and other agents assigned to it, and an agent deleted while its
// state changes and it is assigned to a queue, all at the same moment, against a PBX whose answers are
// delayed at random (so a later answer can overtake an earlier one). Each round must answer every request
// with a status of the contract (a deadlock, PostgreSQL's 40P01, would be a 500), and end with no
// membership of a deleted queue or of a deleted agent, and every confirmed fact equal to the simulator's.
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Reply, type TestConsole, defined, startTestConsole } from "../test-support.ts";

const ROUNDS = 30;
const HOME = "2999";

let t: TestConsole;

beforeAll(async () => {
  t = await startTestConsole();
  await t.admin.createQueue(HOME);
});

afterAll(async () => {
  t.pbx.setLatency({ fixedMs: 0 });
  await t.stop();
});

/** Memberships whose queue is gone or whose agent is retired, as the registry's rows hold them. */
async function orphanMemberships(): Promise<string[]> {
  const rows = await t.deps.db
    .selectFrom("memberships")
    .leftJoin("queues", "queues.id", "memberships.queue_id")
    .leftJoin("agents", "agents.id", "memberships.agent_id")
    .select(["memberships.agent_id", "memberships.queue_id", "queues.id as queue", "agents.active"])
    .execute();
  return rows
    .filter((row) => row.queue === null || row.active !== 1)
    .map((row) => `${row.agent_id}@${row.queue_id}`);
}

/** Where the registry (as the API shows it) and the PBX disagree about the given agents. */
async function differences(agentIds: string[]): Promise<string[]> {
  const pbx = t.pbx.state();
  const agents = await t.admin.agents();
  const found: string[] = [];
  for (const agentId of agentIds) {
    const agent = agents.find((a) => a.id === agentId);
    const onPbx = pbx.agents.find((a) => a.id === agentId);
    if (!agent) {
      if (onPbx?.active) found.push(`${agentId}: on the PBX, not in the registry`);
      continue;
    }
    if (!onPbx?.active) found.push(`${agentId}: in the registry, deleted on the PBX`);
    if (!agent.confirmed) continue;
    const pbxQueues = pbx.queues.filter((q) => q.agentIds.includes(agentId)).map((q) => q.id);
    expect.soft(agent.queueIds.toSorted(), `${agentId}'s queues`).toEqual(pbxQueues.toSorted());
    const login = pbx.logins.find((l) => l.agentId === agentId);
    if (agent.status !== (login?.state ?? "logged_off"))
      found.push(`${agentId}: ${agent.status}, PBX ${login?.state ?? "logged_off"}`);
  }
  return found;
}

it(`${ROUNDS} rounds of deleting a queue and an agent while they are assigned, released and changed: no deadlock, no orphan`, async () => {
  const statuses: number[] = [];
  const wrong: string[] = [];
  const touched: string[] = [];
  t.pbx.setLatency({ fixedMs: 0, jitterMs: 40 });
  for (let round = 0; round < ROUNDS; round++) {
    const queueId = String(3000 + round);
    const [a, b, c, d] = [0, 1, 2, 3].map((n) => String(5000 + round * 4 + n)) as [
      string,
      string,
      string,
      string,
    ];
    touched.push(a, b, c, d);
    await t.admin.createQueue(queueId);
    for (const agentId of [a, b, c, d]) {
      await t.admin.createAgent(agentId, HOME);
      await t.admin.call("PUT /queues/:queueId/agents/:agentId", { params: { queueId, agentId } });
    }
    await t.admin.state(d, { action: "login", extension: String(400 + (round % 100)) });
    const membership = (method: "PUT" | "DELETE", agentId: string, onQueue = queueId) =>
      t.admin.call(`${method} /queues/:queueId/agents/:agentId`, {
        params: { queueId: onQueue, agentId },
      });
    const replies: Reply<unknown>[] = await Promise.all([
      // The queue goes while two members leave it, one joins another queue and one changes state.
      t.admin.call("DELETE /queues/:queueId", { params: { queueId } }),
      membership("DELETE", a),
      membership("DELETE", b),
      membership("PUT", c, HOME),
      membership("PUT", d),
      t.admin.state(d, { action: "pause" }),
      // Agent c goes while it is assigned, released and its state changes.
      t.admin.call("DELETE /agents/:id", { params: { id: c } }),
      membership("DELETE", c),
      t.admin.state(c, { action: "login", extension: String(300 + (round % 100)) }),
    ]);
    statuses.push(...replies.map((reply) => reply.status));
    for (const orphan of await orphanMemberships()) wrong.push(`round ${round}: orphan membership ${orphan}`);
    for (const difference of await differences([a, b, c, d])) wrong.push(`round ${round}: ${difference}`);
  }
  t.pbx.setLatency({ fixedMs: 0 });
  // Every answer is one the contract has: done, not found (already deleted), or a conflict with the PBX's state.
  expect(statuses.filter((status) => ![200, 204, 404, 409].includes(status))).toEqual([]);
  expect(wrong).toEqual([]);
  // And the deleted queues and agents are gone from the registry as from the PBX.
  const queues = await t.admin.queues();
  expect(queues.map((q) => q.id)).toEqual([HOME]);
  expect(defined(queues[0], "the home queue").agentIds.every((id) => touched.includes(id))).toBe(true);
}, 120_000);
