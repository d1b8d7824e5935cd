// Reading the registry into the contract's shapes (packages/api): Agent and Queue.
import type { Agent, Queue } from "@crystal-console/api";
import type { Kysely } from "kysely";
import { readNow } from "./open.ts";
import type { AgentRow, Database } from "./schema.ts";

type Db = Kysely<Database>;

/** Ids in numeric order (they are digit strings without leading zeros): shorter first, then by text. */
export const compareIds = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
const byNumericId = (a: { id: string }, b: { id: string }) => compareIds(a.id, b.id);

/** Memberships of active agents (a retired agent belongs to no queue). */
function activeMemberships(db: Db) {
  return db
    .selectFrom("memberships")
    .innerJoin("agents", "agents.id", "memberships.agent_id")
    .select(["memberships.agent_id", "memberships.queue_id"])
    .where("agents.active", "=", 1);
}

export function toAgent(row: AgentRow, queueIds: string[]): Agent {
  return {
    id: row.id,
    name: row.name,
    outQueueId: row.out_queue_id,
    queueIds,
    status: row.status,
    extension: row.extension,
    statusSince: row.status_since,
    statusBy: row.status_by,
    pauseReason: row.pause_reason,
    confirmed: row.confirmed === 1,
  };
}

/**
 * Ends a statement that writes one agent: it returns the row as written with its queue ids as a JSON array,
 * so the agent's event is built without reading it again (agentEventOf in agents/service.ts).
 */
export const RETURNING_AGENT = `returning *, (select json_group_array("queue_id") from "memberships"
  where "memberships"."agent_id" = "agents"."id") as "queue_ids"`;

export type WrittenAgentRow = AgentRow & { queue_ids: string };

/** An agent from its row and its queue ids as a JSON array (SQLite's json_group_array), in listAgents' order. */
export function toAgentWithQueues(row: AgentRow, queueIdsJson: string): Agent {
  return toAgent(row, sortIds(JSON.parse(queueIdsJson) as string[]));
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
  return agentRows.map((row) => toAgent(row, sortIds(queuesOf.get(row.id) ?? []))).sort(byNumericId);
}

export async function getAgent(db: Db, id: string): Promise<Agent | undefined> {
  const [agent] = await listAgents(db, id);
  return agent;
}

export const SELECT_AGENT = `select * from "agents" where "id" = ?`;

/** The agent's row whether active or retired (at once when the registry is free: see readNow). */
export async function findAgentRow(db: Db, id: string): Promise<AgentRow | undefined> {
  if (db.isTransaction) return db.selectFrom("agents").selectAll().where("id", "=", id).executeTakeFirst();
  return readNow<AgentRow>(db, SELECT_AGENT, [id]);
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
    .map((row) => ({ id: row.id, name: row.name, agentIds: sortIds(agentsOf.get(row.id) ?? []) }))
    .sort(byNumericId);
}

/** Whether the queue exists, without reading its members (at once when the registry is free: see readNow). */
export async function queueExists(db: Db, id: string): Promise<boolean> {
  if (db.isTransaction) {
    return (await db.selectFrom("queues").select("id").where("id", "=", id).executeTakeFirst()) !== undefined;
  }
  return (await readNow(db, `select "id" from "queues" where "id" = ?`, [id])) !== undefined;
}

/** A queue with its active members, one statement (see toQueueWithMembers). */
export const SELECT_QUEUE_WITH_MEMBERS = `select "id", "name", (select json_group_array("memberships"."agent_id")
  from "memberships" join "agents" on "agents"."id" = "memberships"."agent_id"
  where "memberships"."queue_id" = "queues"."id" and "agents"."active" = 1) as "agent_ids"
from "queues" where "id" = ?`;

/** A queue from SELECT_QUEUE_WITH_MEMBERS's row, in listQueues' shape and order of members. */
export function toQueueWithMembers(row: { id: string; name: string; agent_ids: string }): Queue {
  return { id: row.id, name: row.name, agentIds: sortIds(JSON.parse(row.agent_ids) as string[]) };
}

export async function getQueue(db: Db, id: string): Promise<Queue | undefined> {
  const [queue] = await listQueues(db, id);
  return queue;
}

export async function listRetiredAgentIds(db: Db): Promise<string[]> {
  const rows = await db.selectFrom("agents").select("id").where("active", "=", 0).execute();
  return rows.sort(byNumericId).map((row) => row.id);
}

function sortIds(ids: string[]): string[] {
  return ids
    .map((id) => ({ id }))
    .sort(byNumericId)
    .map((item) => item.id);
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
