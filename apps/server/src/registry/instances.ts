// The instances table: every console process on this registry writes a heartbeat every second; one whose
// heartbeat is older than INSTANCE_STALE_MS is taken for dead, and what it held (fact leases, settle claims,
// a running import) is taken over by the living (recovery.ts).
import type { Kysely } from "kysely";
import type { Database } from "./schema.ts";

type Db = Kysely<Database>;

export const HEARTBEAT_MS = 1000;
export const INSTANCE_STALE_MS = 4000;

export async function registerInstance(db: Db, id: string, now: number): Promise<void> {
  await db.insertInto("instances").values({ id, started_at: now, heartbeat_at: now }).execute();
}

export async function beat(db: Db, id: string, now: number): Promise<void> {
  await db.updateTable("instances").set({ heartbeat_at: now }).where("id", "=", id).execute();
}

export async function removeInstance(db: Db, id: string): Promise<void> {
  await db.deleteFrom("instances").where("id", "=", id).execute();
}

/** Instances whose heartbeat is fresh at `now`. */
export function liveInstanceIds(db: Db, now: number) {
  return db
    .selectFrom("instances")
    .select("id")
    .where("heartbeat_at", ">=", now - INSTANCE_STALE_MS);
}

/** Drops rows of instances dead for a minute (nothing refers to them by then). */
export async function forgetDeadInstances(db: Db, now: number): Promise<void> {
  await db
    .deleteFrom("instances")
    .where("heartbeat_at", "<", now - 60_000)
    .execute();
}

export async function isAlive(db: Db, id: string, now: number): Promise<boolean> {
  const row = await db
    .selectFrom("instances")
    .select("id")
    .where("id", "=", id)
    .where("heartbeat_at", ">=", now - INSTANCE_STALE_MS)
    .executeTakeFirst();
  return row !== undefined;
}
