import { createUserRequestSchema, updateUserRequestSchema, usernameSchema } from "@crystal-console/api";
import { Hono } from "hono";
import { z } from "zod";
import { currentUser, requireRole } from "../auth/middleware.ts";
import type { ConsoleDeps } from "../deps.ts";
import type { AppEnv } from "../http/env.ts";
import { validate } from "../http/validate.ts";
import { createUser, deleteUser, listUsers, updateUser } from "./service.ts";

const params = z.object({ username: usernameSchema });

export function userRoutes(deps: ConsoleDeps) {
  return new Hono<AppEnv>()
    .use(requireRole("admin"))
    .get("/", async (c) => c.json({ users: await listUsers(deps) }, 200))
    .post("/", validate("json", createUserRequestSchema), async (c) => {
      const user = await createUser(deps, currentUser(c).username, c.req.valid("json"));
      return c.json({ user }, 201);
    })
    .patch("/:username", validate("param", params), validate("json", updateUserRequestSchema), async (c) => {
      const { username } = c.req.valid("param");
      const user = await updateUser(deps, currentUser(c).username, username, c.req.valid("json"));
      return c.json({ user }, 200);
    })
    .delete("/:username", validate("param", params), async (c) => {
      await deleteUser(deps, currentUser(c).username, c.req.valid("param").username);
      return c.body(null, 204);
    });
}
