// The fact_locks table: at most one PBX write in flight per fact across every instance (design.md rule 8).
// A lease is taken by a conditional insert (it fails while another holds the fact) and released by deleting
// it in the transaction that commits the write's outcome (commit.ts), so the next writer's PBX call can only
// start after the registry recorded the previous one.
import type { Kysely } from "kysely";
import { liveInstanceIds } from "./instances.ts";
import { isPostgres } from "./open.ts";
import { changed, prepared } from "./prepared.ts";
import type { Database, FactLocksTable } from "./schema.ts";
import { deleteSettle } from "./settles.ts";

type Db = Kysely<Database>;

export type Lease = { fact: string; token: string };

const insertLease = prepared((db, p: Omit<FactLocksTable, never>) =>
  db
    .insertInto("fact_locks")
    .values(p)
    .onConflict((oc) => oc.column("fact").doNothing()),
);

export async function tryAcquireLease(
  db: Db,
  lease: Lease & { holder: string; attempt: string; now: number; expiresAt: number },
): Promise<boolean> {
  const result = await insertLease(db, {
    fact: lease.fact,
    holder: lease.holder,
    token: lease.token,
    attempt: lease.attempt,
    acquired_at: lease.now,
    expires_at: lease.expiresAt,
  });
  return changed(result) === 1;
}

const deleteLease = prepared((db, p: Lease) =>
  db.deleteFrom("fact_locks").where("fact", "=", p.fact).where("token", "=", p.token),
);

/** Deletes this lease; false when it is no longer ours (taken over after it expired). */
export async function releaseLease(db: Db, lease: Lease): Promise<boolean> {
  return changed(await deleteLease(db, { fact: lease.fact, token: lease.token })) === 1;
}

/**
 * PostgreSQL: the lease released, the settle row of its fact deleted and, with shape "agent", the agent's row
 * locked (agents.ts lockAgentRow), in one statement (one round trip). The lock is taken by the statement that
 * comes first in the commit, so the commit's later statements (the agent's update and its `confirmed`) see
 * every commit that wrote the agent before it.
 */
const deleteLeaseAndSettle = prepared((db, p: Lease & { settled: string; agentId: string }, shape) => {
  const cleared = db
    .with("settled", (qb) => qb.deleteFrom("settles").where("fact", "=", p.settled).returning("fact"))
    .with("released", (qb) =>
      qb.deleteFrom("fact_locks").where("fact", "=", p.fact).where("token", "=", p.token).returning("fact"),
    );
  if (shape !== "agent") return cleared.selectFrom("released").select("fact");
  return (
    cleared
      .with("locked", (qb) => qb.selectFrom("agents").select("id").where("id", "=", p.agentId).forUpdate())
      // Joined (a WITH that is not referenced is not run), and left joined: a new agent has no row yet.
      .selectFrom("released")
      .leftJoin("locked", (join) => join.onTrue())
      .select("released.fact")
  );
});

/**
 * releaseLease, and the fact `settled` known (its settle row deleted), with the row lock of the agent the
 * fact is about, if any: false, and nothing to commit, when the lease is no longer ours. On PostgreSQL all in
 * one statement; SQLite has no data-modifying WITH (and needs no row lock: it has one writer at a time).
 */
export async function releaseLeaseAndSettle(
  db: Db,
  lease: Lease,
  settled: string,
  agentId: string | null,
): Promise<boolean> {
  if (!isPostgres(db)) {
    if (!(await releaseLease(db, lease))) return false;
    await deleteSettle(db, settled);
    return true;
  }
  const params = { fact: lease.fact, token: lease.token, settled, agentId: agentId ?? "" };
  const { rows } = await deleteLeaseAndSettle(db, params, agentId === null ? "" : "agent");
  return rows.length === 1;
}

/** Leases whose holder is dead or that outlived their expiry: what they record was in flight, outcome unknown. */
export async function abandonedLeases(db: Db, now: number) {
  return db
    .selectFrom("fact_locks")
    .selectAll()
    .where((eb) => eb.or([eb("expires_at", "<", now), eb("holder", "not in", liveInstanceIds(db, now))]))
    .execute();
}

/** Whether a write on the fact is in flight somewhere. */
export async function leaseHeld(db: Db, fact: string): Promise<boolean> {
  return (
    (await db.selectFrom("fact_locks").select("fact").where("fact", "=", fact).executeTakeFirst()) !==
    undefined
  );
}
