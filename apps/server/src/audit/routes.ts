import type { ConsoleDeps } from "../deps.ts";
import { handlers } from "../http/contract.ts";
import { queryAudit } from "../registry/audit.ts";

export function auditRoutes(deps: ConsoleDeps) {
  return handlers({
    "GET /audit": async (c, reply) => reply(200, await queryAudit(deps.db, c.req.valid("query"))),
  });
}
