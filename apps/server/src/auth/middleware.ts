// Request guards: the CSRF header on every state-changing request, the session cookie, and roles.
// The SPA hides what a role can't do, but these are the guard (design.md rules 6 and 7).
import { CSRF_HEADER, CSRF_VALUE, type Role, type SessionUser } from "@crystal-console/api";
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { HttpError } from "../http/errors.ts";
import type { AppEnv } from "../http/env.ts";
import type { Sessions } from "./sessions.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export const requireCsrfHeader: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!SAFE_METHODS.has(c.req.method) && c.req.header(CSRF_HEADER) !== CSRF_VALUE) {
    throw new HttpError(
      403,
      "CSRF",
      `State-changing requests must carry the header ${CSRF_HEADER}: ${CSRF_VALUE}.`,
    );
  }
  await next();
};

export function isHttps(c: Context, trustProxy: boolean): boolean {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-proto")?.split(",")[0]?.trim();
    if (forwarded) return forwarded === "https";
  }
  // c.req.url is always absolute; its scheme is its first characters (no URL parse per request).
  return c.req.url.startsWith("https:");
}

const PLAIN_COOKIE = "cc_session";
const SECURE_COOKIE = "__Host-cc_session";

export function sessionCookie(trustProxy: boolean) {
  const nameFor = (c: Context) => (isHttps(c, trustProxy) ? SECURE_COOKIE : PLAIN_COOKIE);
  return {
    read: (c: Context) => getCookie(c, nameFor(c)) ?? null,
    write(c: Context, token: string, maxAgeSeconds: number) {
      setCookie(c, nameFor(c), token, {
        httpOnly: true,
        sameSite: "Strict",
        secure: isHttps(c, trustProxy),
        path: "/",
        maxAge: maxAgeSeconds,
      });
    },
    clear(c: Context) {
      deleteCookie(c, nameFor(c), { path: "/", secure: isHttps(c, trustProxy) });
    },
  };
}

export function loadSession(
  sessions: Sessions,
  cookie: ReturnType<typeof sessionCookie>,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = cookie.read(c);
    const user = token ? await sessions.lookup(token) : null;
    c.set("user", user);
    c.set("sessionToken", user ? token : null);
    await next();
  };
}

export function currentUser(c: Context<AppEnv>): SessionUser {
  const user = c.get("user");
  if (!user) throw new HttpError(401, "UNAUTHENTICATED", "Sign in first.");
  return user;
}

export function requireRole(...roles: Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const user = currentUser(c);
    if (!roles.includes(user.role)) throw new HttpError(403, "FORBIDDEN", "Your role does not allow this.");
    await next();
  };
}

export const requireSignedIn: MiddlewareHandler<AppEnv> = async (c, next) => {
  currentUser(c);
  await next();
};

/**
 * A viewer changes nothing (design.md rule 6): every state-changing request of one is refused here, before
 * any route, whatever the route's own role check says. Signing in and out and choosing one's language
 * (under /api/session) are a viewer's own, not the call centre's.
 */
export const refuseViewerWrites: MiddlewareHandler<AppEnv> = async (c, next) => {
  const viewer = c.get("user")?.role === "viewer";
  if (viewer && !SAFE_METHODS.has(c.req.method) && !c.req.path.startsWith("/api/session")) {
    throw new HttpError(403, "FORBIDDEN", "Viewers can see the board and change nothing.");
  }
  await next();
};
