// Server-side sessions (design.md rule 7): random 256-bit tokens in an HttpOnly cookie, only their sha256
// in the registry, idle and absolute timeouts, rotated at sign-in, ended at sign-out or when a user is disabled.
import { createHash, randomBytes } from "node:crypto";
import type { SessionUser } from "@crystal-console/api";
import type { Registry } from "../registry/open.ts";

const TOUCH_EVERY_MS = 30_000;

export type Sessions = ReturnType<typeof createSessions>;

export function createSessions(db: Registry, limits: { idleMs: number; absoluteMs: number }, now = Date.now) {
  const hashOf = (token: string) => createHash("sha256").update(token).digest("hex");

  async function create(user: SessionUser): Promise<string> {
    const token = randomBytes(32).toString("base64url");
    const at = now();
    await db
      .insertInto("sessions")
      .values({
        id_hash: hashOf(token),
        username: user.username,
        role: user.role,
        agent_id: user.agentId ?? null,
        created_at: at,
        last_seen_at: at,
      })
      .execute();
    return token;
  }

  /** The session's user, or null when unknown or expired (an expired session is deleted). */
  async function lookup(token: string): Promise<SessionUser | null> {
    const idHash = hashOf(token);
    const row = await db.selectFrom("sessions").selectAll().where("id_hash", "=", idHash).executeTakeFirst();
    if (!row) return null;
    const at = now();
    const expired = at - row.last_seen_at > limits.idleMs || at - row.created_at > limits.absoluteMs;
    if (expired) {
      await db.deleteFrom("sessions").where("id_hash", "=", idHash).execute();
      return null;
    }
    if (at - row.last_seen_at > TOUCH_EVERY_MS) {
      await db.updateTable("sessions").set({ last_seen_at: at }).where("id_hash", "=", idHash).execute();
    }
    return {
      username: row.username,
      role: row.role,
      ...(row.agent_id !== null ? { agentId: row.agent_id } : {}),
    };
  }

  async function end(token: string): Promise<void> {
    await db.deleteFrom("sessions").where("id_hash", "=", hashOf(token)).execute();
  }

  async function endAllFor(username: string): Promise<void> {
    await db.deleteFrom("sessions").where("username", "=", username).execute();
  }

  async function countActive(): Promise<number> {
    const cutoff = now() - limits.idleMs;
    const row = await db
      .selectFrom("sessions")
      .select((eb) => eb.fn.countAll<number>().as("count"))
      .where("last_seen_at", ">", cutoff)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  return { create, lookup, end, endAllFor, countActive };
}
