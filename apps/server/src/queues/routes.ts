import { currentUser } from "../auth/middleware.ts";
import type { ConsoleDeps } from "../deps.ts";
import { handlers } from "../http/contract.ts";
import { valueOf } from "../pbx/writes.ts";
import { listQueues } from "../registry/read.ts";
import { assignAgent, createQueue, deleteQueue, releaseAgent, updateQueue } from "./service.ts";

export function queueRoutes(deps: ConsoleDeps) {
  return handlers({
    "GET /queues": async (_c, reply) => reply(200, { queues: await listQueues(deps.db) }),
    "POST /queues": async (c, reply) => {
      const queue = valueOf(await createQueue(deps, currentUser(c).username, c.req.valid("json")));
      return reply(201, { queue });
    },
    "PATCH /queues/:queueId": async (c, reply) => {
      const queue = valueOf(
        await updateQueue(deps, currentUser(c).username, c.req.valid("param").queueId, c.req.valid("json")),
      );
      return reply(200, { queue });
    },
    "DELETE /queues/:queueId": async (c, reply) => {
      valueOf(await deleteQueue(deps, currentUser(c).username, c.req.valid("param").queueId));
      return reply(204);
    },
    "PUT /queues/:queueId/agents/:agentId": async (c, reply) => {
      const { queueId, agentId } = c.req.valid("param");
      return reply(200, valueOf(await assignAgent(deps, currentUser(c).username, queueId, agentId)));
    },
    "DELETE /queues/:queueId/agents/:agentId": async (c, reply) => {
      const { queueId, agentId } = c.req.valid("param");
      valueOf(await releaseAgent(deps, currentUser(c).username, queueId, agentId));
      return reply(204);
    },
  });
}
