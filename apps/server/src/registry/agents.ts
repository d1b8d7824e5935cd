// The agents table: each write comes back as the agent it wrote (with its queue ids, in the same statement),
// which is what its event carries. An agent's `confirmed` is computed in every write from the settles table:
// unconfirmed while any fact of the agent waits to be settled (settles.ts).
import type { Agent } from "@crystal-console/api";
import { type Kysely, type UpdateObject, sql } from "kysely";
import { latestIntervalOfAgent, noteLatestInterval } from "./history.ts";
import { jsonIds, parseIds } from "./json.ts";
import { isPostgres } from "./open.ts";
import { prepared } from "./prepared.ts";
import type { AgentRow, Database } from "./schema.ts";

type Db = Kysely<Database>;
type Status = Agent["status"];

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

const queueIdsOfAgent = (db: Db) =>
  jsonIds(
    db,
    sql`select "queue_id" as "id" from "memberships" where "memberships"."agent_id" = "agents"."id"`,
  ).as("queue_ids");

/** 0 while a settle row names the agent, else 1: evaluated in the statement that writes the agent. */
const confirmedNow = sql<number>`case when exists (select 1 from "settles" where "settles"."agent_id" = "agents"."id") then 0 else 1 end`;

/** The written row as an Agent; null for a retired agent (the lists leave it out) or no row. */
function written(row: (AgentRow & { queue_ids: unknown }) | undefined): Agent | null {
  return row?.active === 1 ? toAgent(row, parseIds(row.queue_ids)) : null;
}

/**
 * Makes this transaction wait for any other open transaction that writes the agent (PostgreSQL: a row lock;
 * SQLite runs one write transaction at a time anyway). Taken first by every commit that changes one of the
 * agent's settle rows: its `confirmed`, computed from those rows, then sees every earlier commit's rows.
 */
export async function lockAgentRow(db: Db, id: string): Promise<void> {
  if (isPostgres(db)) await lockRow(db, { id });
}

const lockRow = prepared((db, p: { id: string }) =>
  db.selectFrom("agents").select("id").where("id", "=", p.id).forUpdate(),
);

const selectAgentRow = prepared((db, p: { id: string }) =>
  db.selectFrom("agents").selectAll().where("id", "=", p.id),
);

export async function findAgentRow(db: Db, id: string): Promise<AgentRow | undefined> {
  return (await selectAgentRow(db, { id })).rows[0];
}

/** The agent with this id and password hash, when active (sign-in). */
export async function findActiveAgentCredentials(db: Db, id: string) {
  return db
    .selectFrom("agents")
    .select(["id", "password_hash"])
    .where("id", "=", id)
    .where("active", "=", 1)
    .executeTakeFirst();
}

export type NewAgent = {
  id: string;
  name: string;
  outQueueId: string;
  passwordHash: string;
  /** 0 records an id the PBX keeps as deleted. */
  active: 0 | 1;
  actor: string;
};

/** Records an agent; an id the registry already has keeps its state. */
export async function upsertAgent(db: Db, agent: NewAgent): Promise<Agent | null> {
  const row = await db
    .insertInto("agents")
    .values({
      id: agent.id,
      name: agent.name,
      out_queue_id: agent.outQueueId,
      password_hash: agent.passwordHash,
      active: agent.active,
      status: "logged_off",
      extension: null,
      status_since: new Date().toISOString(),
      status_by: agent.actor,
      pause_reason: null,
      confirmed: 1,
    })
    .onConflict((oc) =>
      oc.column("id").doUpdateSet((eb) => ({
        name: eb.ref("excluded.name"),
        out_queue_id: eb.ref("excluded.out_queue_id"),
        password_hash: eb.ref("excluded.password_hash"),
        active: eb.ref("excluded.active"),
      })),
    )
    .returningAll()
    .returning(queueIdsOfAgent(db))
    .executeTakeFirst();
  return written(row);
}

export type ProfilePatch = { name?: string; outQueueId?: string; passwordHash?: string };

/** Updates one agent's row (and its `confirmed`) and returns it as written. */
async function updateAgentRow(
  db: Db,
  id: string,
  set: UpdateObject<Database, "agents">,
): Promise<Agent | null> {
  const row = await db
    .updateTable("agents")
    .set({ ...set, confirmed: confirmedNow })
    .where("id", "=", id)
    .returningAll()
    .returning(queueIdsOfAgent(db))
    .executeTakeFirst();
  return written(row);
}

export async function updateAgentProfile(db: Db, id: string, patch: ProfilePatch): Promise<Agent | null> {
  return updateAgentRow(db, id, {
    ...(patch.name !== undefined ? { name: patch.name } : {}),
    ...(patch.outQueueId !== undefined ? { out_queue_id: patch.outQueueId } : {}),
    ...(patch.passwordHash !== undefined ? { password_hash: patch.passwordHash } : {}),
  });
}

export type StatePatch = { status: Status; extension: string | null; pauseReason?: string | null };

/**
 * Sets an agent's state, deciding from the row as it is at commit whether the state really changed (the same
 * state again, e.g. pause twice, keeps `status_since`); a pause that names no reason keeps the one it had.
 */
type StateParams = {
  id: string;
  status: Status;
  extension: string | null;
  /** The extension again, '' for none (to compare with the row's). */
  sameExtension: string;
  reason: string | null;
  now: string;
  actor: string;
};

/** Shape "paused" keeps the pause reason when the pause names none; any other status clears it. */
const updateState = prepared((db, p: StateParams, shape) =>
  db
    .updateTable("agents")
    .set({
      status: p.status,
      extension: p.extension,
      pause_reason: shape === "paused" ? sql<string | null>`coalesce(${p.reason}, "pause_reason")` : null,
      status_since: sql<string>`case when "status" = ${p.status} and coalesce("extension", '') = ${p.sameExtension} then "status_since" else ${p.now} end`,
      status_by: p.actor,
      confirmed: confirmedNow,
    })
    .where("id", "=", p.id)
    .returningAll()
    .returning(queueIdsOfAgent(db))
    .returning(latestIntervalOfAgent(db)),
);

export async function setAgentState(
  db: Db,
  id: string,
  patch: StatePatch,
  actor: string,
): Promise<Agent | null> {
  const { rows } = await updateState(
    db,
    {
      id,
      status: patch.status,
      extension: patch.extension,
      sameExtension: patch.extension ?? "",
      reason: patch.pauseReason ?? null,
      now: new Date().toISOString(),
      actor,
    },
    patch.status === "paused" ? "paused" : "",
  );
  const [row] = rows;
  if (row) noteLatestInterval(db, id, row.latest_interval);
  return written(row);
}

/** Recomputes the agent's `confirmed` (after a settle row of one of its facts came or went). */
const updateConfirmed = prepared((db, p: { id: string }) =>
  db
    .updateTable("agents")
    .set({ confirmed: confirmedNow })
    .where("id", "=", p.id)
    .returningAll()
    .returning(queueIdsOfAgent(db)),
);

export async function refreshConfirmed(db: Db, id: string): Promise<Agent | null> {
  return written((await updateConfirmed(db, { id })).rows[0]);
}

/** Retires the agent (the PBX keeps its id inactive forever) and drops its memberships; returns their queues. */
export async function retireAgent(db: Db, id: string): Promise<string[]> {
  const memberships = await db
    .deleteFrom("memberships")
    .where("agent_id", "=", id)
    .returning("queue_id")
    .execute();
  await db
    .updateTable("agents")
    .set({
      active: 0,
      status: "logged_off",
      extension: null,
      pause_reason: null,
      password_hash: null,
      confirmed: 1,
    })
    .where("id", "=", id)
    .execute();
  return memberships.map((m) => m.queue_id);
}

export async function anyAgent(db: Db): Promise<boolean> {
  return (await db.selectFrom("agents").select("id").limit(1).executeTakeFirst()) !== undefined;
}
