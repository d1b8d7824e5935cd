// The concurrency scenario of issue 11, shared by the one-instance and the two-instance tests: many
// sessions act at once on the same few agents and their memberships (state buttons, assign and release),
// against a PBX whose answers are delayed at random, so that answers overtake each other. Afterwards every
// fact the registry shows as confirmed must equal the PBX's.
import type { Agent, Queue } from "@crystal-console/api";
import type { SimState } from "@crystal-console/pbx-sim";
import { type Client, type Reply, defined } from "../test-support.ts";

export const AGENTS = ["4101", "4102", "4103"];
export const QUEUES = ["2100", "2101"];
export const extensionOf = (agentId: string) => String(600 + AGENTS.indexOf(agentId));

/** A small seeded PRNG (mulberry32), so a failing run can be repeated with its seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Action = { what: string; send: (client: Client) => Promise<Reply> };

function pickAction(next: () => number): Action {
  const pick = <T>(items: readonly T[]): T =>
    defined(items[Math.floor(next() * items.length)], "a random pick");
  const agentId = pick(AGENTS);
  const queueId = pick(QUEUES);
  const roll = next();
  if (roll < 0.2) {
    return {
      what: `assign ${agentId}@${queueId}`,
      send: (c) => c.call("PUT /queues/:queueId/agents/:agentId", { params: { queueId, agentId } }),
    };
  }
  if (roll < 0.4) {
    return {
      what: `release ${agentId}@${queueId}`,
      send: (c) => c.call("DELETE /queues/:queueId/agents/:agentId", { params: { queueId, agentId } }),
    };
  }
  const states = ["login", "logoff", "pause", "online", "mission"] as const;
  const action = pick(states);
  const body = action === "login" ? { action, extension: extensionOf(agentId) } : { action };
  return { what: `${action} ${agentId}`, send: (c) => c.state(agentId, body) };
}

/**
 * `rounds` rounds; in each, every session sends one random action at the same moment (so the last writes on
 * a fact are as concurrent as the first). After each round, when every request has its answer, `check`
 * compares the registry with the PBX. Returns how many answers had each status (a conflict, 409, is a
 * normal answer here: e.g. pause while logged off).
 */
export async function actAtOnce(
  sessions: Client[],
  rounds: number,
  seed: number,
  check: (round: number) => Promise<void>,
): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  const nexts = sessions.map((_, index) => random(seed * 31 + index));
  for (let round = 0; round < rounds; round++) {
    const replies = await Promise.all(
      sessions.map((_, index) =>
        pickAction(defined(nexts[index], `session ${index}'s random source`)).send(
          defined(sessions[(index + round) % sessions.length], "a session"),
        ),
      ),
    );
    for (const reply of replies) statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
    await check(round);
  }
  return statuses;
}

/** Facts of the scenario's agents where the registry (as the API shows it) and the PBX disagree. */
export function differences(agents: Agent[], queues: Queue[], pbx: SimState): string[] {
  const found: string[] = [];
  for (const agentId of AGENTS) {
    const agent = agents.find((a) => a.id === agentId);
    if (!agent) {
      found.push(`${agentId}: missing from the registry`);
      continue;
    }
    if (!agent.confirmed) continue;
    const login = pbx.logins.find((l) => l.agentId === agentId);
    const pbxStatus = login ? (login.state === "paused" ? "paused" : login.state) : "logged_off";
    if (agent.status !== pbxStatus) found.push(`${agentId}: status ${agent.status}, PBX ${pbxStatus}`);
    if (agent.extension !== (login?.extension ?? null))
      found.push(`${agentId}: extension ${agent.extension}, PBX ${login?.extension ?? null}`);
    for (const queueId of QUEUES) {
      const inRegistry = agent.queueIds.includes(queueId);
      const onPbx = pbx.queues.find((q) => q.id === queueId)?.agentIds.includes(agentId) ?? false;
      const queueSays = queues.find((q) => q.id === queueId)?.agentIds.includes(agentId) ?? false;
      if (inRegistry !== onPbx) found.push(`${agentId}@${queueId}: member ${inRegistry}, PBX ${onPbx}`);
      if (queueSays !== inRegistry) found.push(`${agentId}@${queueId}: queue and agent disagree`);
    }
  }
  return found;
}
