// The queues and memberships tables. A membership write comes back with the queue's members in one statement.
import type { Queue } from "@crystal-console/api";
import { type Kysely, sql } from "kysely";
import { jsonIds, parseIds } from "./json.ts";
import { isPostgres } from "./open.ts";
import { prepared } from "./prepared.ts";
import type { Database, MembershipsTable } from "./schema.ts";

type Db = Kysely<Database>;

export async function insertQueue(db: Db, queue: { id: string; name: string }): Promise<void> {
  await db.insertInto("queues").values(queue).execute();
}

export async function renameQueue(db: Db, id: string, name: string): Promise<void> {
  await db.updateTable("queues").set({ name }).where("id", "=", id).execute();
}

/** Deletes the queue and its memberships; returns the agents that were in it. */
export async function deleteQueue(db: Db, id: string): Promise<string[]> {
  const members = await db
    .deleteFrom("memberships")
    .where("queue_id", "=", id)
    .returning("agent_id")
    .execute();
  await db.deleteFrom("queues").where("id", "=", id).execute();
  return members.map((m) => m.agent_id);
}

const insertMembership = prepared((db, p: MembershipsTable) =>
  db
    .insertInto("memberships")
    .values(p)
    .onConflict((oc) => oc.columns(["agent_id", "queue_id"]).doNothing()),
);

const deleteMembership = prepared((db, p: MembershipsTable) =>
  db.deleteFrom("memberships").where("agent_id", "=", p.agent_id).where("queue_id", "=", p.queue_id),
);

export async function addMembership(db: Db, agentId: string, queueId: string): Promise<void> {
  await insertMembership(db, { agent_id: agentId, queue_id: queueId });
}

export async function removeMembership(db: Db, agentId: string, queueId: string): Promise<void> {
  await deleteMembership(db, { agent_id: agentId, queue_id: queueId });
}

const lockQueue = prepared((db, p: { id: string }) =>
  db.selectFrom("queues").select("id").where("id", "=", p.id).forUpdate(),
);

/**
 * Makes this transaction wait for any other open one that changes the queue's members (PostgreSQL; SQLite
 * runs one write transaction at a time): taken before a membership is written, so the queue's event, read
 * after the write, includes every earlier commit's members.
 */
export async function lockQueueRow(db: Db, id: string): Promise<void> {
  if (isPostgres(db)) await lockQueue(db, { id });
}

const selectQueueWithMembers = prepared((db, p: { id: string }) =>
  db
    .selectFrom("queues")
    .select([
      "id",
      "name",
      jsonIds(
        db,
        sql`select "memberships"."agent_id" as "id" from "memberships" join "agents" on "agents"."id" = "memberships"."agent_id" where "memberships"."queue_id" = "queues"."id" and "agents"."active" = 1`,
      ).as("agent_ids"),
    ])
    .where("id", "=", p.id),
);

/** The queue with its active members, one statement; undefined once deleted. */
export async function queueWithMembers(db: Db, id: string): Promise<Queue | undefined> {
  const row = (await selectQueueWithMembers(db, { id })).rows[0];
  return row ? { id: row.id, name: row.name, agentIds: parseIds(row.agent_ids) } : undefined;
}
