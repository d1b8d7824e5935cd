// Console users (admins and supervisors). Agents sign in with their agent id and agent password instead.
import type { ConsoleUser, CreateUserRequest, UpdateUserRequest } from "@crystal-console/api";
import { recordAudit } from "../audit/audit.ts";
import { hashPassword } from "../auth/passwords.ts";
import type { ConsoleDeps } from "../deps.ts";
import { HttpError, notFound } from "../http/errors.ts";
import type { UserRow } from "../registry/schema.ts";

const toUser = (row: UserRow): ConsoleUser => ({
  username: row.username,
  role: row.role,
  disabled: row.disabled === 1,
});

export async function listUsers(deps: ConsoleDeps): Promise<ConsoleUser[]> {
  const rows = await deps.db.selectFrom("users").selectAll().orderBy("username").execute();
  return rows.map(toUser);
}

async function requireUser(deps: ConsoleDeps, username: string): Promise<UserRow> {
  const row = await deps.db
    .selectFrom("users")
    .selectAll()
    .where("username", "=", username)
    .executeTakeFirst();
  if (!row) throw notFound(`User ${username}`);
  return row;
}

export async function createUser(
  deps: ConsoleDeps,
  actor: string,
  input: CreateUserRequest,
): Promise<ConsoleUser> {
  const taken = await deps.db
    .selectFrom("users")
    .select("username")
    .where("username", "=", input.username)
    .executeTakeFirst();
  if (taken) {
    throw new HttpError(409, "CONFLICT", `User ${input.username} already exists.`, {
      fields: { username: "This username is taken" },
    });
  }
  const row: UserRow = {
    username: input.username,
    role: input.role,
    password_hash: await hashPassword(input.password, deps.config.scryptLogN),
    disabled: 0,
    created_at: new Date().toISOString(),
  };
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto("users").values(row).execute();
    await recordAudit(trx, {
      actor,
      action: "create_user",
      params: { username: input.username, role: input.role },
      outcome: "ok",
    });
  });
  return toUser(row);
}

/** Whether removing `username` from the active admins would leave none. */
async function isLastActiveAdmin(deps: ConsoleDeps, username: string): Promise<boolean> {
  const admins = await deps.db
    .selectFrom("users")
    .select("username")
    .where("role", "=", "admin")
    .where("disabled", "=", 0)
    .execute();
  return admins.length === 1 && admins[0]?.username === username;
}

const lastAdminError = () =>
  new HttpError(409, "CONFLICT", "This is the last active admin; make another admin first.");

export async function updateUser(
  deps: ConsoleDeps,
  actor: string,
  username: string,
  input: UpdateUserRequest,
) {
  const row = await requireUser(deps, username);
  const losesAdmin = (input.role !== undefined && input.role !== "admin") || input.disabled === true;
  if (row.role === "admin" && row.disabled === 0 && losesAdmin && (await isLastActiveAdmin(deps, username))) {
    throw lastAdminError();
  }
  const passwordHash =
    input.password === undefined ? undefined : await hashPassword(input.password, deps.config.scryptLogN);
  const params: Record<string, string> = { username };
  if (input.role !== undefined) params.role = input.role;
  if (input.disabled !== undefined) params.disabled = String(input.disabled);
  if (input.password !== undefined) params.password = "***";
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable("users")
      .set({
        ...(input.role !== undefined ? { role: input.role } : {}),
        ...(input.disabled !== undefined ? { disabled: input.disabled ? 1 : 0 } : {}),
        ...(passwordHash !== undefined ? { password_hash: passwordHash } : {}),
      })
      .where("username", "=", username)
      .execute();
    // A disabled user, a new role or a reset password ends that user's sessions.
    await deps.sessions.endAllFor(username, trx);
    await recordAudit(trx, { actor, action: "update_user", params, outcome: "ok" });
  });
  return toUser(await requireUser(deps, username));
}

export async function deleteUser(deps: ConsoleDeps, actor: string, username: string): Promise<void> {
  const row = await requireUser(deps, username);
  if (row.role === "admin" && row.disabled === 0 && (await isLastActiveAdmin(deps, username)))
    throw lastAdminError();
  await deps.db.transaction().execute(async (trx) => {
    await trx.deleteFrom("users").where("username", "=", username).execute();
    await deps.sessions.endAllFor(username, trx);
    await recordAudit(trx, { actor, action: "delete_user", params: { username }, outcome: "ok" });
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
