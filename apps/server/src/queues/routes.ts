import {
  agentIdSchema,
  createQueueRequestSchema,
  queueIdSchema,
  updateQueueRequestSchema,
} from "@crystal-console/api";
import { Hono } from "hono";
import { z } from "zod";
import { currentUser, requireRole } from "../auth/middleware.ts";
import type { ConsoleDeps } from "../deps.ts";
import { valueOf } from "../pbx/writes.ts";
import type { AppEnv } from "../http/env.ts";
import { validate } from "../http/validate.ts";
import { listQueues } from "../registry/read.ts";
import { assignAgent, createQueue, deleteQueue, releaseAgent, updateQueue } from "./service.ts";

const queueParams = z.object({ queueId: queueIdSchema });
const membershipParams = z.object({ queueId: queueIdSchema, agentId: agentIdSchema });

export function queueRoutes(deps: ConsoleDeps) {
  return new Hono<AppEnv>()
    .get("/", async (c) => c.json({ queues: await listQueues(deps.db) }, 200))
    .post("/", requireRole("admin"), validate("json", createQueueRequestSchema), async (c) => {
      const queue = valueOf(await createQueue(deps, currentUser(c).username, c.req.valid("json")));
      return c.json({ queue }, 201);
    })
    .patch(
      "/:queueId",
      requireRole("admin"),
      validate("param", queueParams),
      validate("json", updateQueueRequestSchema),
      async (c) => {
        const queue = valueOf(
          await updateQueue(deps, currentUser(c).username, c.req.valid("param").queueId, c.req.valid("json")),
        );
        return c.json({ queue }, 200);
      },
    )
    .delete("/:queueId", requireRole("admin"), validate("param", queueParams), async (c) => {
      valueOf(await deleteQueue(deps, currentUser(c).username, c.req.valid("param").queueId));
      return c.body(null, 204);
    })
    .put(
      "/:queueId/agents/:agentId",
      requireRole("admin", "supervisor"),
      validate("param", membershipParams),
      async (c) => {
        const { queueId, agentId } = c.req.valid("param");
        return c.json(valueOf(await assignAgent(deps, currentUser(c).username, queueId, agentId)), 200);
      },
    )
    .delete(
      "/:queueId/agents/:agentId",
      requireRole("admin", "supervisor"),
      validate("param", membershipParams),
      async (c) => {
        const { queueId, agentId } = c.req.valid("param");
        valueOf(await releaseAgent(deps, currentUser(c).username, queueId, agentId));
        return c.body(null, 204);
      },
    );
}
