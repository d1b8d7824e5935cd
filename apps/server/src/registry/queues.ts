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

const selectQueue = prepared((db, p: { id: string }) =>
  db.selectFrom("queues").select("id").where("id", "=", p.id),
);

/**
 * Whether the queue still exists, making this transaction wait (PostgreSQL; SQLite runs one write
 * transaction at a time) for any other open one that changes the queue's members or deletes it: taken before
 * a membership is written, so the queue's event, read after the write, includes every earlier commit's
 * members, and no membership is written for a queue a commit deleted meanwhile.
 */
export async function lockQueueRow(db: Db, id: string): Promise<boolean> {
  const { rows } = isPostgres(db) ? await lockQueue(db, { id }) : await selectQueue(db, { id });
  return rows.length > 0;
}

const lockMembers = prepared((db, p: { id: string }) =>
  db
    .selectFrom("agents")
    .select("id")
    .where("id", "in", db.selectFrom("memberships").select("agent_id").where("queue_id", "=", p.id))
    .orderBy("id")
    .forUpdate(),
);

/**
 * Deletes the queue and its memberships; returns the agents that were in it. On PostgreSQL it first locks its
 * members' rows (in id order), then the queue's row: the order every membership commit takes them in (the
 * agent's row in commit.ts, then the queue's in lockQueueRow), so the two cannot deadlock; and a membership
 * committed while this waited is deleted with the others. (A member that joins after the agents' rows were
 * locked cannot be waiting for the queue's row: a membership write that reaches it was answered by the PBX
 * before the queue was deleted there, so its agent was already a member when this transaction began.)
 */
export async function deleteQueue(db: Db, id: string): Promise<string[]> {
  if (isPostgres(db)) {
    await lockMembers(db, { id });
    await lockQueue(db, { id });
  }
  const members = await db
    .deleteFrom("memberships")
    .where("queue_id", "=", id)
    .returning("agent_id")
    .execute();
  await db.deleteFrom("queues").where("id", "=", id).execute();
  return members.map((m) => m.agent_id);
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
