// Sign in, who am I, sign out. Agents sign in with their agent id and agent password.
import { ID_PATTERN } from "@crystal-console/crystal/rules";
import type { SessionUser } from "@crystal-console/api";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";
import { recordAudit } from "../audit/audit.ts";
import type { Config } from "../config.ts";
import type { ConsoleDeps } from "../deps.ts";
import { handlers } from "../http/contract.ts";
import { HttpError } from "../http/errors.ts";
import { findActiveAgentCredentials } from "../registry/agents.ts";
import { findUser } from "../registry/users.ts";
import { withLanguage, writeLanguage } from "./language.ts";
import { currentUser, type sessionCookie } from "./middleware.ts";
import { verifyPassword } from "./passwords.ts";

/**
 * The address the sign-in throttle counts. Each trusted proxy appends the address it got the request from to
 * X-Forwarded-For, so only the last `trustProxyHops` entries are written by proxies; whatever is to their
 * left, the client wrote. The client is therefore the entry `trustProxyHops` from the right (the leftmost
 * when there are fewer: the request passed fewer proxies than configured).
 */
export function clientAddress(c: Context, proxy: Pick<Config, "trustProxy" | "trustProxyHops">): string {
  if (proxy.trustProxy) {
    const entries = (c.req.header("x-forwarded-for") ?? "")
      .split(",")
      .map((entry) => entry.trim())
      .filter((entry) => entry !== "");
    const forwarded = entries[Math.max(0, entries.length - proxy.trustProxyHops)];
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown";
  }
}

/** Who these credentials belong to, with the stored hash to check (the decoy when nobody matches). */
async function findCredentials(
  deps: ConsoleDeps,
  username: string,
): Promise<{ user: SessionUser | null; hash: string }> {
  if (ID_PATTERN.test(username)) {
    const agent = await findActiveAgentCredentials(deps.db, username);
    if (!agent?.password_hash) return { user: null, hash: deps.decoyHash };
    return { user: { username: agent.id, role: "agent", agentId: agent.id }, hash: agent.password_hash };
  }
  const row = await findUser(deps.db, username);
  if (!row || row.disabled === 1) return { user: null, hash: row?.password_hash ?? deps.decoyHash };
  return { user: { username: row.username, role: row.role }, hash: row.password_hash };
}

export function sessionRoutes(deps: ConsoleDeps, cookie: ReturnType<typeof sessionCookie>) {
  return handlers({
    "POST /session": async (c, reply) => {
      const { username, password } = c.req.valid("json");
      const attempt = await deps.signInLimiter.begin(username, clientAddress(c, deps.config));
      if ("retryAfter" in attempt) {
        c.header("Retry-After", String(attempt.retryAfter));
        throw new HttpError(
          429,
          "RATE_LIMITED",
          `Too many failed sign-ins. Try again in ${attempt.retryAfter} seconds.`,
        );
      }
      const { user, hash } = await findCredentials(deps, username);
      const valid = await verifyPassword(password, hash);
      if (!user || !valid) {
        await attempt.failed();
        await recordAudit(deps.db, {
          actor: username.slice(0, 64),
          action: "sign_in",
          outcome: "refused",
          detail: "wrong username or password",
        });
        throw new HttpError(401, "UNAUTHENTICATED", "Wrong username or password.");
      }
      await attempt.succeeded();
      // Rotate: whatever session the browser had ends; the new id is fresh.
      const previous = cookie.read(c);
      if (previous) await deps.sessions.end(previous);
      const token = await deps.sessions.create(user);
      cookie.write(c, token, Math.floor(deps.config.sessionAbsoluteMs / 1000));
      await recordAudit(deps.db, {
        actor: user.username,
        action: "sign_in",
        ...(user.agentId ? { agentId: user.agentId } : {}),
        outcome: "ok",
      });
      return reply(200, { user: await withLanguage(deps, user), timeZone: deps.config.timeZone });
    },
    "GET /session": async (c, reply) =>
      reply(200, { user: await withLanguage(deps, currentUser(c)), timeZone: deps.config.timeZone }),
    "PUT /session/language": async (c, reply) => {
      const user = currentUser(c);
      const { language } = c.req.valid("json");
      await writeLanguage(deps, user, language);
      return reply(200, { user: { ...user, language }, timeZone: deps.config.timeZone });
    },
    "DELETE /session": async (c, reply) => {
      const token = c.get("sessionToken");
      if (token) await deps.sessions.end(token);
      cookie.clear(c);
      return reply(204);
    },
  });
}
