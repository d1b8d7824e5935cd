// The settles table: facts the PBX has not confirmed (design.md rule 3, decision 002). An unknown outcome
// records its fact `pending` with the attempt to send once more; exactly one instance claims it (a
// conditional update with a lease) and sends that one follow-up; its answer deletes the row, and a follow-up
// whose own outcome is unknown leaves it `unsettled` (no further follow-up). Any later confirmed change to the
// fact deletes the row too. An agent is shown unconfirmed while a row names it (agents.ts).
import type { Kysely } from "kysely";
import { liveInstanceIds } from "./instances.ts";
import { prepared } from "./prepared.ts";
import type { Database, SettlesTable } from "./schema.ts";

type Db = Kysely<Database>;

export type SettleRow = SettlesTable;

export async function upsertSettle(db: Db, row: SettleRow): Promise<void> {
  const { fact: _fact, ...update } = row;
  await db
    .insertInto("settles")
    .values(row)
    .onConflict((oc) => oc.column("fact").doUpdateSet(update))
    .execute();
}

export async function findSettle(db: Db, fact: string): Promise<SettleRow | undefined> {
  return db.selectFrom("settles").selectAll().where("fact", "=", fact).executeTakeFirst();
}

const deleteSettleRow = prepared((db, p: { fact: string }) =>
  db.deleteFrom("settles").where("fact", "=", p.fact),
);

export async function deleteSettle(db: Db, fact: string): Promise<void> {
  await deleteSettleRow(db, { fact });
}

/** Pending rows whose follow-up is due. */
export async function dueSettles(db: Db, now: number): Promise<SettleRow[]> {
  return db
    .selectFrom("settles")
    .selectAll()
    .where("state", "=", "pending")
    .where("due_at", "<=", now)
    .orderBy("due_at")
    .limit(100)
    .execute();
}

/** Claims a due row for `instance` until `until`; false when another instance claimed it first. */
export async function claimSettle(db: Db, fact: string, instance: string, now: number, until: number) {
  const result = await db
    .updateTable("settles")
    .set({ state: "claimed", claimed_by: instance, claim_expires_at: until })
    .where("fact", "=", fact)
    .where("state", "=", "pending")
    .where("due_at", "<=", now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Claims whose instance died go back to pending. Run after abandoned leases were recovered: a claimer that
 * died with its follow-up in flight held a lease, and recovery has already made that row `unsettled`.
 */
export async function reopenDeadClaims(db: Db, now: number): Promise<void> {
  await db
    .updateTable("settles")
    .set({ state: "pending", claimed_by: null, claim_expires_at: null })
    .where("state", "=", "claimed")
    .where("claimed_by", "not in", liveInstanceIds(db, now))
    .execute();
}

/** Marks a fact unknown with nothing to send (an answer that revealed only part of it). */
export async function markUnsettled(
  db: Db,
  fact: string,
  agentId: string | null,
  reason: string,
): Promise<void> {
  await upsertSettle(db, {
    fact,
    agent_id: agentId,
    state: "unsettled",
    attempt: null,
    reason,
    due_at: 0,
    claimed_by: null,
    claim_expires_at: null,
  });
}

/** A retired agent's facts are settled: it has none left. */
export async function deleteSettlesOfAgent(db: Db, agentId: string): Promise<void> {
  await db.deleteFrom("settles").where("agent_id", "=", agentId).execute();
}

/** A deleted queue's memberships are settled: they are gone. */
export async function deleteSettlesOfQueue(db: Db, queueId: string): Promise<void> {
  await db
    .deleteFrom("settles")
    .where((eb) =>
      eb.or([eb("fact", "=", `queue:${queueId}`), eb("fact", "like", `membership:%:${queueId}`)]),
    )
    .execute();
}

/** A claimed row goes back to pending (its follow-up could not take its turn in time). */
export async function reopenSettle(db: Db, fact: string, dueAt: number): Promise<void> {
  await db
    .updateTable("settles")
    .set({ state: "pending", claimed_by: null, claim_expires_at: null, due_at: dueAt })
    .where("fact", "=", fact)
    .where("state", "=", "claimed")
    .execute();
}

/** Marks a pending row unsettled: its follow-up cannot be sent (its secret was lost with its instance). */
export async function giveUpSettle(db: Db, fact: string, reason: string): Promise<boolean> {
  const result = await db
    .updateTable("settles")
    .set({ state: "unsettled", reason })
    .where("fact", "=", fact)
    .where("state", "=", "pending")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
