// Migrations on a registry that already holds data: 002 makes usernames unique ignoring case, renaming the
// later of two users that differ only in case (before it, `Admin` could be created beside `admin`).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, migrateDown } from "./migrations.ts";
import { type Registry, openRegistry } from "./open.ts";

let dir: string;
let db: Registry;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "crystal-migrations-"));
  db = await openRegistry(join(dir, "registry.sqlite"));
});

afterAll(async () => {
  await db?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const user = (username: string, createdAt: string) => ({
  username,
  role: "admin" as const,
  password_hash: "scrypt$10$8$1$x$y",
  disabled: 0,
  created_at: createdAt,
});

describe("002-usernames-ignore-case", () => {
  it("renames the later of users that differ only in case, ends their sessions, says so in the audit, then refuses such a user", async () => {
    // The registry as it was before 002 (after undoing every later one, however many there are).
    const latest = async () =>
      (await sql<{ name: string }>`select max(name) as name from kysely_migration`.execute(db)).rows[0]?.name;
    while ((await latest()) !== "002-usernames-ignore-case") await migrateDown(db as Kysely<unknown>);
    await sql`drop index users_username_lower`.execute(db);
    await sql`delete from kysely_migration where name = '002-usernames-ignore-case'`.execute(db);
    await db
      .insertInto("users")
      .values([
        user("admin", "2026-01-01T00:00:00.000Z"),
        user("Admin", "2026-02-01T00:00:00.000Z"),
        user("admin-2", "2026-02-15T00:00:00.000Z"),
        user("ADMIN", "2026-03-01T00:00:00.000Z"),
        user("sara", "2026-03-02T00:00:00.000Z"),
      ])
      .execute();
    await db
      .insertInto("sessions")
      .values(
        ["admin", "Admin", "ADMIN"].map((username) => ({
          id_hash: `hash-of-${username}`,
          username,
          role: "admin" as const,
          agent_id: null,
          created_at: 1,
          last_seen_at: 1,
        })),
      )
      .execute();

    await migrate(db as Kysely<unknown>);

    const users = await db.selectFrom("users").select("username").orderBy("created_at").execute();
    expect(users.map((row) => row.username)).toEqual(["admin", "Admin-3", "admin-2", "ADMIN-4", "sara"]);
    const sessions = await db.selectFrom("sessions").select("username").execute();
    expect(sessions.map((row) => row.username)).toEqual(["admin"]);
    const audit = await db.selectFrom("audit").selectAll().where("action", "=", "rename_user").execute();
    expect(audit.map((row) => [row.actor, JSON.parse(row.params) as unknown])).toEqual([
      ["system:migration", { from: "Admin", to: "Admin-3" }],
      ["system:migration", { from: "ADMIN", to: "ADMIN-4" }],
    ]);
    await expect(
      db.insertInto("users").values(user("SARA", "2026-04-01T00:00:00.000Z")).execute(),
    ).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT_UNIQUE" });
  });
});
