// Reading the registry into the contract's shapes (packages/api): Agent and Queue. Reads never wait for the
// per-fact order: they see what is committed.
import type { Agent, Queue } from "@crystal-console/api";
import type { Kysely } from "kysely";
import { toAgent } from "./agents.ts";
import { byNumericId } from "./json.ts";
import { prepared } from "./prepared.ts";
import type { Database } from "./schema.ts";

type Db = Kysely<Database>;

/** Ids in numeric order (they are digit strings without leading zeros): shorter first, then by text. */
export const compareIds = byNumericId;
const byId = (a: { id: string }, b: { id: string }) => byNumericId(a.id, b.id);

/** Memberships of active agents (a retired agent belongs to no queue). */
function activeMemberships(db: Db) {
  return db
    .selectFrom("memberships")
    .innerJoin("agents", "agents.id", "memberships.agent_id")
    .select(["memberships.agent_id", "memberships.queue_id"])
    .where("agents.active", "=", 1);
}

/** Active agents, each with its queues, ordered by id. */
export async function listAgents(db: Db, onlyId?: string): Promise<Agent[]> {
  let rows = db.selectFrom("agents").selectAll().where("active", "=", 1);
  let memberships = activeMemberships(db);
  if (onlyId !== undefined) {
    rows = rows.where("id", "=", onlyId);
    memberships = memberships.where("memberships.agent_id", "=", onlyId);
  }
  const [agentRows, membershipRows] = await Promise.all([rows.execute(), memberships.execute()]);
  const queuesOf = groupBy(
    membershipRows,
    (m) => m.agent_id,
    (m) => m.queue_id,
  );
  return agentRows.map((row) => toAgent(row, (queuesOf.get(row.id) ?? []).sort(byNumericId))).sort(byId);
}

export async function getAgent(db: Db, id: string): Promise<Agent | undefined> {
  const [agent] = await listAgents(db, id);
  return agent;
}

export async function listQueues(db: Db, onlyId?: string): Promise<Queue[]> {
  let rows = db.selectFrom("queues").selectAll();
  let memberships = activeMemberships(db);
  if (onlyId !== undefined) {
    rows = rows.where("id", "=", onlyId);
    memberships = memberships.where("memberships.queue_id", "=", onlyId);
  }
  const [queueRows, membershipRows] = await Promise.all([rows.execute(), memberships.execute()]);
  const agentsOf = groupBy(
    membershipRows,
    (m) => m.queue_id,
    (m) => m.agent_id,
  );
  return queueRows
    .map((row) => ({ id: row.id, name: row.name, agentIds: (agentsOf.get(row.id) ?? []).sort(byNumericId) }))
    .sort(byId);
}

export async function getQueue(db: Db, id: string): Promise<Queue | undefined> {
  const [queue] = await listQueues(db, id);
  return queue;
}

const selectQueueId = prepared((db, p: { id: string }) =>
  db.selectFrom("queues").select("id").where("id", "=", p.id),
);

/** Whether the queue exists, without reading its members. */
export async function queueExists(db: Db, id: string): Promise<boolean> {
  return (await selectQueueId(db, { id })).rows.length > 0;
}

export async function anyQueue(db: Db): Promise<boolean> {
  return (await db.selectFrom("queues").select("id").limit(1).executeTakeFirst()) !== undefined;
}

export async function listRetiredAgentIds(db: Db): Promise<string[]> {
  const rows = await db.selectFrom("agents").select("id").where("active", "=", 0).execute();
  return rows.sort(byId).map((row) => row.id);
}

/** What the registry holds for planning an import: every agent (with its password hash), membership, queue. */
export async function readImportSnapshot(db: Db) {
  const [agents, memberships, queues] = await Promise.all([
    db.selectFrom("agents").select(["id", "name", "out_queue_id", "password_hash", "active"]).execute(),
    db.selectFrom("memberships").select(["agent_id", "queue_id"]).execute(),
    db.selectFrom("queues").select(["id", "name"]).execute(),
  ]);
  return { agents, memberships, queues };
}

function groupBy<T>(items: T[], key: (item: T) => string, value: (item: T) => string): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const item of items) {
    const list = groups.get(key(item));
    if (list) list.push(value(item));
    else groups.set(key(item), [value(item)]);
  }
  return groups;
}
