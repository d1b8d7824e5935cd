import { currentUser } from "../auth/middleware.ts";
import type { ConsoleDeps } from "../deps.ts";
import { handlers } from "../http/contract.ts";
import { createUser, deleteUser, listUsers, updateUser } from "./service.ts";

export function userRoutes(deps: ConsoleDeps) {
  return handlers({
    "GET /users": async (_c, reply) => reply(200, { users: await listUsers(deps) }),
    "POST /users": async (c, reply) => {
      const user = await createUser(deps, currentUser(c).username, c.req.valid("json"));
      return reply(201, { user });
    },
    "PATCH /users/:username": async (c, reply) => {
      const { username } = c.req.valid("param");
      const user = await updateUser(deps, currentUser(c).username, username, c.req.valid("json"));
      return reply(200, { user });
    },
    "DELETE /users/:username": async (c, reply) => {
      await deleteUser(deps, currentUser(c).username, c.req.valid("param").username);
      return reply(204);
    },
  });
}
