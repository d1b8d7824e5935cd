// Console users (admins and supervisors). Agents sign in with their agent id and agent password instead.
import type { ConsoleUser, CreateUserRequest, UpdateUserRequest } from "@crystal-console/api";
import { recordAudit } from "../audit/audit.ts";
import { hashPassword } from "../auth/passwords.ts";
import type { ConsoleDeps } from "../deps.ts";
import { HttpError, notFound } from "../http/errors.ts";
import type { Transaction } from "kysely";
import type { Registry } from "../registry/open.ts";
import type { Database, UserRow } from "../registry/schema.ts";

const toUser = (row: UserRow): ConsoleUser => ({
  username: row.username,
  role: row.role,
  disabled: row.disabled === 1,
});

export async function listUsers(deps: ConsoleDeps): Promise<ConsoleUser[]> {
  const rows = await deps.db.selectFrom("users").selectAll().orderBy("username").execute();
  return rows.map(toUser);
}

type Executor = Registry | Transaction<Database>;

/**
 * The user with this username in any case: usernames are unique ignoring case (the registry's unique index
 * on lower(username)), so `Admin` finds `admin`. Usernames are ASCII, where every dialect's lower() agrees.
 */
export function findUser(db: Executor, username: string): Promise<UserRow | undefined> {
  return db
    .selectFrom("users")
    .selectAll()
    .where((eb) => eb(eb.fn("lower", ["username"]), "=", username.toLowerCase()))
    .executeTakeFirst();
}

async function requireUser(db: Executor, username: string): Promise<UserRow> {
  const row = await findUser(db, username);
  if (!row) throw notFound(`User ${username}`);
  return row;
}

const usernameTaken = (existing: string) =>
  new HttpError(409, "CONFLICT", `User ${existing} already exists; usernames ignore case.`, {
    fields: { username: `This username is taken (by ${existing}; usernames ignore case)` },
    reasons: { username: "taken" },
  });

/** A unique index refused the row (SQLite's and PostgreSQL's codes). */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "23505";
}

export async function createUser(
  deps: ConsoleDeps,
  actor: string,
  input: CreateUserRequest,
): Promise<ConsoleUser> {
  const row: UserRow = {
    username: input.username,
    role: input.role,
    password_hash: await hashPassword(input.password, deps.config.scryptLogN),
    disabled: 0,
    created_at: new Date().toISOString(),
    language: null,
  };
  try {
    await deps.db.transaction().execute(async (trx) => {
      const taken = await findUser(trx, input.username);
      if (taken) throw usernameTaken(taken.username);
      await trx.insertInto("users").values(row).execute();
      await recordAudit(trx, {
        actor,
        action: "create_user",
        params: { username: input.username, role: input.role },
        outcome: "ok",
      });
    });
  } catch (error) {
    // Two creations at once: the index refuses the second whichever spelling it has.
    if (isUniqueViolation(error)) throw usernameTaken((await findUser(deps.db, input.username))!.username);
    throw error;
  }
  return toUser(row);
}

const lastAdminError = () =>
  new HttpError(409, "CONFLICT", "This is the last enabled admin; make another user admin first.");

/**
 * Refuses (409) a change that would take `username` out of the enabled admins when it is the last one. Runs
 * inside the change's transaction, before it. The enabled admins' rows are first updated to what they hold:
 * the portable row lock. On PostgreSQL a concurrent transaction waits at that statement until this one ends
 * and then sees its outcome; SQLite runs one transaction at a time. So two admins removing each other at
 * once cannot both see the other as still there.
 */
async function keepAnEnabledAdmin(trx: Transaction<Database>, username: string): Promise<UserRow> {
  const admins = await trx
    .updateTable("users")
    .set({ role: "admin" })
    .where("role", "=", "admin")
    .where("disabled", "=", 0)
    .returning("username")
    .execute();
  const row = await requireUser(trx, username);
  const isEnabledAdmin = row.role === "admin" && row.disabled === 0;
  if (isEnabledAdmin && admins.every((admin) => admin.username === row.username)) throw lastAdminError();
  return row;
}

export async function updateUser(
  deps: ConsoleDeps,
  actor: string,
  username: string,
  input: UpdateUserRequest,
) {
  // Hashed first: scrypt takes half a second, which the registry's transaction must not wait for.
  const passwordHash =
    input.password === undefined ? undefined : await hashPassword(input.password, deps.config.scryptLogN);
  const losesAdmin = (input.role !== undefined && input.role !== "admin") || input.disabled === true;
  const updated = await deps.db.transaction().execute(async (trx) => {
    const row = losesAdmin ? await keepAnEnabledAdmin(trx, username) : await requireUser(trx, username);
    const params: Record<string, string> = { username: row.username };
    if (input.role !== undefined) params.role = input.role;
    if (input.disabled !== undefined) params.disabled = String(input.disabled);
    if (input.password !== undefined) params.password = "***";
    await trx
      .updateTable("users")
      .set({
        ...(input.role !== undefined ? { role: input.role } : {}),
        ...(input.disabled !== undefined ? { disabled: input.disabled ? 1 : 0 } : {}),
        ...(passwordHash !== undefined ? { password_hash: passwordHash } : {}),
      })
      .where("username", "=", row.username)
      .execute();
    // A disabled user, a new role or a reset password ends that user's sessions.
    await deps.sessions.endAllFor(row.username, trx);
    await recordAudit(trx, { actor, action: "update_user", params, outcome: "ok" });
    return row.username;
  });
  return toUser(await requireUser(deps.db, updated));
}

export async function deleteUser(deps: ConsoleDeps, actor: string, username: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const row = await keepAnEnabledAdmin(trx, username);
    await trx.deleteFrom("users").where("username", "=", row.username).execute();
    await deps.sessions.endAllFor(row.username, trx);
    await recordAudit(trx, {
      actor,
      action: "delete_user",
      params: { username: row.username },
      outcome: "ok",
    });
  });
}

/** On first start with no users, create `admin` with ADMIN_PASSWORD or a generated one (returned to print once). */
export async function ensureFirstAdmin(deps: Pick<ConsoleDeps, "db" | "config">, generate: () => string) {
  const any = await deps.db.selectFrom("users").select("username").limit(1).executeTakeFirst();
  if (any) return null;
  const password = deps.config.adminPassword ?? generate();
  await deps.db
    .insertInto("users")
    .values({
      username: "admin",
      role: "admin",
      password_hash: await hashPassword(password, deps.config.scryptLogN),
      disabled: 0,
      created_at: new Date().toISOString(),
    })
    .execute();
  return { username: "admin", password, generated: deps.config.adminPassword === undefined };
}
