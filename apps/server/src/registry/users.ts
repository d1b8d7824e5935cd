// The users table (console users: admins and supervisors).
import type { Kysely } from "kysely";
import type { Database, UserRow } from "./schema.ts";

type Db = Kysely<Database>;

export async function listUserRows(db: Db): Promise<UserRow[]> {
  return db.selectFrom("users").selectAll().orderBy("username").execute();
}

/**
 * The user with this username in any case: usernames are unique ignoring case (the registry's unique index
 * on lower(username)), so `Admin` finds `admin`. Usernames are ASCII, where every dialect's lower() agrees.
 */
export async function findUser(db: Db, username: string): Promise<UserRow | undefined> {
  return db
    .selectFrom("users")
    .selectAll()
    .where((eb) => eb(eb.fn("lower", ["username"]), "=", username.toLowerCase()))
    .executeTakeFirst();
}

/**
 * The enabled admins, their rows first updated to what they hold: the portable row lock. On PostgreSQL a
 * concurrent transaction waits at this statement until this one ends and then sees its outcome; SQLite runs
 * one transaction at a time.
 */
export async function lockEnabledAdmins(db: Db): Promise<string[]> {
  const rows = await db
    .updateTable("users")
    .set({ role: "admin" })
    .where("role", "=", "admin")
    .where("disabled", "=", 0)
    .returning("username")
    .execute();
  return rows.map((row) => row.username);
}

export async function anyUser(db: Db): Promise<boolean> {
  return (await db.selectFrom("users").select("username").limit(1).executeTakeFirst()) !== undefined;
}

export async function insertUser(db: Db, row: UserRow): Promise<void> {
  await db.insertInto("users").values(row).execute();
}

export async function updateUserRow(
  db: Db,
  username: string,
  patch: Partial<Pick<UserRow, "role" | "disabled" | "password_hash">>,
): Promise<void> {
  await db.updateTable("users").set(patch).where("username", "=", username).execute();
}

export async function deleteUserRow(db: Db, username: string): Promise<void> {
  await db.deleteFrom("users").where("username", "=", username).execute();
}
