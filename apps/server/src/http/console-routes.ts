// The console's own routes: its health, its configured pause reasons, and the description of its API.
import { createOpenApiDocument } from "@crystal-console/api/openapi";
import type { ConsoleDeps } from "../deps.ts";
import { handlers } from "./contract.ts";

export function consoleRoutes(deps: ConsoleDeps) {
  let openApi: ReturnType<typeof createOpenApiDocument> | undefined;
  return handlers({
    "GET /health": (_c, reply) => {
      const pbx = deps.health.current();
      // The instance that answered: several may share one database behind a load balancer (decision 021).
      const status = pbx.reachable === false || pbx.slow === true ? "degraded" : "ok";
      return reply(200, { status, instance: deps.instanceId, pbx });
    },
    "GET /pause-reasons": (_c, reply) => reply(200, { reasons: deps.config.pauseReasons }),
    // Generated on first use (it describes the contract, which never changes while the server runs).
    "GET /openapi.json": (_c, reply) => reply(200, (openApi ??= createOpenApiDocument())),
  });
}
