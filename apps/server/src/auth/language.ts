// Each person's language (issue 13), kept with the console user or the agent so that it follows them to
// any browser. The server never speaks it: it only stores the SPA's choice and hands it back.
import { isLanguage, type Language, type SessionUser } from "@crystal-console/api";
import type { ConsoleDeps } from "../deps.ts";

/** The stored language of whoever this is, or null when they have not chosen one. */
export async function readLanguage(
  deps: Pick<ConsoleDeps, "db">,
  user: SessionUser,
): Promise<Language | null> {
  const row = user.agentId
    ? await deps.db.selectFrom("agents").select("language").where("id", "=", user.agentId).executeTakeFirst()
    : await deps.db
        .selectFrom("users")
        .select("language")
        .where("username", "=", user.username)
        .executeTakeFirst();
  return isLanguage(row?.language) ? row.language : null;
}

export async function writeLanguage(
  deps: Pick<ConsoleDeps, "db">,
  user: SessionUser,
  language: Language,
): Promise<void> {
  if (user.agentId) {
    await deps.db.updateTable("agents").set({ language }).where("id", "=", user.agentId).execute();
  } else {
    await deps.db.updateTable("users").set({ language }).where("username", "=", user.username).execute();
  }
}

/** The session's user as GET /api/session answers it: with its language when one is stored. */
export async function withLanguage(deps: Pick<ConsoleDeps, "db">, user: SessionUser): Promise<SessionUser> {
  const language = await readLanguage(deps, user);
  return language ? { ...user, language } : user;
}
