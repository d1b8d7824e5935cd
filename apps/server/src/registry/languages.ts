// Each person's language (issue 13): kept on the console user's row or the agent's, so it follows them.
import type { Kysely } from "kysely";
import type { Database } from "./schema.ts";

type Db = Kysely<Database>;
/** Whose language: an agent by id, or a console user by username. */
export type LanguageOwner = { agentId: string } | { username: string };

export async function findLanguage(db: Db, owner: LanguageOwner): Promise<string | null> {
  const row =
    "agentId" in owner
      ? await db.selectFrom("agents").select("language").where("id", "=", owner.agentId).executeTakeFirst()
      : await db
          .selectFrom("users")
          .select("language")
          .where("username", "=", owner.username)
          .executeTakeFirst();
  return row?.language ?? null;
}

export async function setLanguage(db: Db, owner: LanguageOwner, language: string): Promise<void> {
  if ("agentId" in owner) {
    await db.updateTable("agents").set({ language }).where("id", "=", owner.agentId).execute();
  } else {
    await db.updateTable("users").set({ language }).where("username", "=", owner.username).execute();
  }
}
