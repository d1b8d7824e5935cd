// The sessions table: a session is stored by the sha256 of its token (auth/sessions.ts keeps the logic).
// Every delete also tells the other console instances on the database which sessions ended (registry/listen.ts),
// when its transaction commits, so that none keeps a cached copy or an open stream of them.
import type { Kysely } from "kysely";
import { notifySessionsEnded } from "./listen.ts";
import type { Database, SessionsTable } from "./schema.ts";

type Db = Kysely<Database>;

export async function insertSession(db: Db, row: SessionsTable): Promise<void> {
  await db.insertInto("sessions").values(row).execute();
}

export async function findSession(db: Db, idHash: string): Promise<SessionsTable | undefined> {
  return db.selectFrom("sessions").selectAll().where("id_hash", "=", idHash).executeTakeFirst();
}

export async function touchSession(db: Db, idHash: string, at: number): Promise<void> {
  await db.updateTable("sessions").set({ last_seen_at: at }).where("id_hash", "=", idHash).execute();
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom("sessions").where("id_hash", "=", idHash).execute();
  await notifySessionsEnded(db, { tokenHashes: [idHash] });
}

export async function deleteSessionsOfUser(db: Db, username: string): Promise<void> {
  await db.deleteFrom("sessions").where("username", "=", username).execute();
  await notifySessionsEnded(db, { usernames: [username] });
}

export async function deleteSessionsOfAgent(db: Db, agentId: string): Promise<void> {
  await db.deleteFrom("sessions").where("agent_id", "=", agentId).execute();
  await notifySessionsEnded(db, { agentIds: [agentId] });
}

export async function countSessionsSeenSince(db: Db, since: number): Promise<number> {
  const row = await db
    .selectFrom("sessions")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("last_seen_at", ">", since)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
