import { auditQuerySchema } from "@crystal-console/api";
import { Hono } from "hono";
import { requireRole } from "../auth/middleware.ts";
import type { ConsoleDeps } from "../deps.ts";
import type { AppEnv } from "../http/env.ts";
import { validate } from "../http/validate.ts";
import { queryAudit } from "../registry/audit.ts";

export function auditRoutes(deps: ConsoleDeps) {
  return new Hono<AppEnv>()
    .use(requireRole("admin", "supervisor"))
    .get("/", validate("query", auditQuerySchema), async (c) =>
      c.json(await queryAudit(deps.db, c.req.valid("query")), 200),
    );
}
