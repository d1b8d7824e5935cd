// The Hono app: middleware in order (request id, security headers, logging), the /api sub-apps, metrics,
// then the SPA. Routes never call undici; they call services, which call the PBX client.
import { Hono, type MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { agentRoutes } from "./agents/routes.ts";
import { alertRoutes } from "./alerts/routes.ts";
import { auditRoutes } from "./audit/routes.ts";
import {
  isHttps,
  loadSession,
  refuseViewerWrites,
  requireCsrfHeader,
  requireSignedIn,
  sessionCookie,
} from "./auth/middleware.ts";
import { sessionRoutes } from "./auth/routes.ts";
import type { ConsoleDeps } from "./deps.ts";
import { eventRoutes } from "./events/routes.ts";
import { limitBody } from "./http/body-limit.ts";
import { consoleRoutes } from "./http/console-routes.ts";
import { mountRoutes } from "./http/contract.ts";
import { HttpError } from "./http/errors.ts";
import type { AppEnv } from "./http/env.ts";
import { spaRoutes } from "./http/static.ts";
import { exportRoutes } from "./import/export.ts";
import { importRoutes } from "./import/routes.ts";
import { queueRoutes } from "./queues/routes.ts";
import { reportRoutes } from "./reports/routes.ts";
import { userRoutes } from "./users/routes.ts";

const JSON_BODY_LIMIT = 64 * 1024;

const jsonBodyLimit = limitBody(JSON_BODY_LIMIT, "Request bodies");

/**
 * The JSON body limit. A body with a Content-Length (and no Transfer-Encoding) is judged by that header
 * alone: Node's HTTP parser never hands over more bytes than it declares, and a request with neither header
 * has no body. Only a chunked body goes through Hono's bodyLimit, which counts the bytes as they come. (Its
 * first step, `c.req.raw.body`, turns @hono/node-server's lightweight request into a full web Request with
 * a ReadableStream, even for a GET: that cost a tenth of the console's CPU on a small write.)
 */
const limitJsonBody: MiddlewareHandler<AppEnv> = (c, next) => {
  if (c.req.method === "GET" || c.req.method === "HEAD") return next();
  // CSV imports set their own, larger limit (import/routes.ts); every other body is small JSON.
  if (c.req.path.startsWith("/api/import/")) return next();
  const chunked = c.req.header("transfer-encoding") !== undefined;
  if (chunked) return jsonBodyLimit(c, next);
  const length = c.req.header("content-length");
  if (length !== undefined && Number(length) > JSON_BODY_LIMIT) return jsonBodyLimit(c, next);
  return next();
};

export function createApp(deps: ConsoleDeps, webDist: string) {
  const cookie = sessionCookie(deps.config.trustProxy);
  const app = new Hono<AppEnv>();

  app.use(requestId());
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
      strictTransportSecurity: false,
      referrerPolicy: "same-origin",
      xFrameOptions: "DENY",
    }),
  );
  app.use(async (c, next) => {
    if (isHttps(c, deps.config.trustProxy))
      c.header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    // The request line is logged at debug level only: at any other level nothing is measured or built.
    if (!deps.log.isLevelEnabled("debug")) return next();
    const started = performance.now();
    await next();
    deps.log.debug(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      },
      "request",
    );
  });

  app.onError((error, c) => {
    if (error instanceof HttpError) return c.json(error.toBody(), error.status);
    if (error instanceof HTTPException) {
      const status = error.status;
      const code = status === 413 ? "PAYLOAD_TOO_LARGE" : status === 400 ? "VALIDATION" : "INTERNAL";
      const message =
        status === 400 ? "The request body is not valid JSON." : error.message || "Request refused.";
      return c.json(
        { error: { code, message, ...(status === 400 ? { fields: { body: message } } : {}) } },
        status,
      );
    }
    deps.log.error({ err: error, path: c.req.path }, "unhandled error");
    return c.json({ error: { code: "INTERNAL", message: "Something went wrong on the server." } }, 500);
  });

  const api = new Hono<AppEnv>()
    .use(async (c, next) => {
      // Agents, users and the audit log belong in no browser or proxy cache; a route may choose otherwise.
      // Set before the route runs, so it is part of the response as built: set afterwards, Hono copies the
      // finished response (and its body, as a stream) just to add a header.
      c.header("Cache-Control", "no-store");
      await next();
      if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
    })
    .use(limitJsonBody)
    .use(requireCsrfHeader)
    .use(loadSession(deps.sessions, cookie))
    .use(refuseViewerWrites);
  // Every route of the contract table (packages/api/src/routes.ts), each with its guards and validators.
  mountRoutes(api, {
    ...consoleRoutes(deps),
    ...sessionRoutes(deps, cookie),
    ...agentRoutes(deps),
    ...queueRoutes(deps),
    ...userRoutes(deps),
    ...auditRoutes(deps),
    ...reportRoutes(deps),
    ...importRoutes(deps),
    ...exportRoutes(deps),
    ...eventRoutes(deps),
    ...alertRoutes(deps),
  });
  // Anything else: 401 without a session, then 404.
  api.use(requireSignedIn).all("*", () => {
    throw new HttpError(404, "NOT_FOUND", "No such API route.");
  });

  app.route("/api", api);
  if (deps.config.metrics) {
    app.get("/metrics", async (c) =>
      c.body(await deps.metrics.render(), 200, { "Content-Type": deps.metrics.contentType }),
    );
  }
  app.route("/", spaRoutes(webDist));
  return app;
}
