// Each person's language (issue 13), kept with the console user or the agent so that it follows them to
// any browser. The server never speaks it: it only stores the SPA's choice and hands it back.
import { isLanguage, type Language, type SessionUser } from "@crystal-console/api";
import type { ConsoleDeps } from "../deps.ts";
import { type LanguageOwner, findLanguage, setLanguage } from "../registry/languages.ts";

const ownerOf = (user: SessionUser): LanguageOwner =>
  user.agentId ? { agentId: user.agentId } : { username: user.username };

/** The stored language of whoever this is, or null when they have not chosen one. */
async function readLanguage(deps: Pick<ConsoleDeps, "db">, user: SessionUser): Promise<Language | null> {
  const language = await findLanguage(deps.db, ownerOf(user));
  return isLanguage(language) ? language : null;
}

export async function writeLanguage(
  deps: Pick<ConsoleDeps, "db">,
  user: SessionUser,
  language: Language,
): Promise<void> {
  await setLanguage(deps.db, ownerOf(user), language);
}

/** The session's user as GET /api/session answers it: with its language when one is stored. */
export async function withLanguage(deps: Pick<ConsoleDeps, "db">, user: SessionUser): Promise<SessionUser> {
  const language = await readLanguage(deps, user);
  return language ? { ...user, language } : user;
}
