// Console users (admins and supervisors). Agents sign in with their agent id and agent password instead.
import type { ConsoleUser, CreateUserRequest, UpdateUserRequest } from "@crystal-console/api";
import { recordAudit } from "../audit/audit.ts";
import { hashPassword } from "../auth/passwords.ts";
import type { ConsoleDeps } from "../deps.ts";
import { HttpError, notFound } from "../http/errors.ts";
import { type Registry, transact } from "../registry/open.ts";
import type { UserRow } from "../registry/schema.ts";
import {
  anyUser,
  deleteUserRow,
  findUser,
  insertUser,
  listUserRows,
  lockEnabledAdmins,
  updateUserRow,
} from "../registry/users.ts";

const toUser = (row: UserRow): ConsoleUser => ({
  username: row.username,
  role: row.role,
  disabled: row.disabled === 1,
});

export async function listUsers(deps: ConsoleDeps): Promise<ConsoleUser[]> {
  return (await listUserRows(deps.db)).map(toUser);
}

async function requireUser(db: Registry, username: string): Promise<UserRow> {
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
    await transact(deps.db, async (trx) => {
      const taken = await findUser(trx, input.username);
      if (taken) throw usernameTaken(taken.username);
      await insertUser(trx, row);
      await recordAudit(trx, {
        actor,
        action: "create_user",
        params: { username: input.username, role: input.role },
        outcome: "ok",
      });
    });
  } catch (error) {
    // Two creations at once: the index refuses the second whichever spelling it has.
    if (isUniqueViolation(error)) {
      const taken = await findUser(deps.db, input.username);
      throw usernameTaken(taken?.username ?? input.username);
    }
    throw error;
  }
  return toUser(row);
}

const lastAdminError = () =>
  new HttpError(409, "CONFLICT", "This is the last enabled admin; make another user admin first.");

/**
 * Refuses (409) a change that would take `username` out of the enabled admins when it is the last one. Runs
 * inside the change's transaction, before it, after locking the enabled admins' rows (lockEnabledAdmins), so
 * two admins removing each other at once cannot both see the other as still there.
 */
async function keepAnEnabledAdmin(trx: Registry, username: string): Promise<UserRow> {
  const admins = await lockEnabledAdmins(trx);
  const row = await requireUser(trx, username);
  const isEnabledAdmin = row.role === "admin" && row.disabled === 0;
  if (isEnabledAdmin && admins.every((admin) => admin === row.username)) throw lastAdminError();
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
  const updated = await transact(deps.db, async (trx) => {
    const row = losesAdmin ? await keepAnEnabledAdmin(trx, username) : await requireUser(trx, username);
    const params: Record<string, string> = { username: row.username };
    if (input.role !== undefined) params.role = input.role;
    if (input.disabled !== undefined) params.disabled = String(input.disabled);
    if (input.password !== undefined) params.password = "***";
    await updateUserRow(trx, row.username, {
      ...(input.role !== undefined ? { role: input.role } : {}),
      ...(input.disabled !== undefined ? { disabled: input.disabled ? 1 : 0 } : {}),
      ...(passwordHash !== undefined ? { password_hash: passwordHash } : {}),
    });
    // A disabled user, a new role or a reset password ends that user's sessions.
    await deps.sessions.endAllFor(row.username, trx);
    await recordAudit(trx, { actor, action: "update_user", params, outcome: "ok" });
    return row.username;
  });
  deps.sessions.forgetUser(updated);
  return toUser(await requireUser(deps.db, updated));
}

export async function deleteUser(deps: ConsoleDeps, actor: string, username: string): Promise<void> {
  const deleted = await transact(deps.db, async (trx) => {
    const row = await keepAnEnabledAdmin(trx, username);
    await deleteUserRow(trx, row.username);
    await deps.sessions.endAllFor(row.username, trx);
    await recordAudit(trx, {
      actor,
      action: "delete_user",
      params: { username: row.username },
      outcome: "ok",
    });
    return row.username;
  });
  deps.sessions.forgetUser(deleted);
}

/** On first start with no users, create `admin` with ADMIN_PASSWORD or a generated one (returned to print once). */
export async function ensureFirstAdmin(deps: Pick<ConsoleDeps, "db" | "config">, generate: () => string) {
  if (await anyUser(deps.db)) return null;
  const password = deps.config.adminPassword ?? generate();
  const row: UserRow = {
    username: "admin",
    role: "admin",
    password_hash: await hashPassword(password, deps.config.scryptLogN),
    disabled: 0,
    created_at: new Date().toISOString(),
    language: null,
  };
  // Two consoles starting at once on an empty registry: one of them creates the admin.
  try {
    await insertUser(deps.db, row);
  } catch (error) {
    if (isUniqueViolation(error) && (await findUser(deps.db, "admin"))) return null;
    throw error;
  }
  return { username: "admin", password, generated: deps.config.adminPassword === undefined };
}
