import {
  agentIdSchema,
  agentStateRequestSchema,
  createAgentRequestSchema,
  updateAgentRequestSchema,
} from "@crystal-console/api";
import { Hono } from "hono";
import { z } from "zod";
import { currentUser, requireRole } from "../auth/middleware.ts";
import type { ConsoleDeps } from "../deps.ts";
import { HttpError, notFound } from "../http/errors.ts";
import { valueOf } from "../pbx/writes.ts";
import type { AppEnv } from "../http/env.ts";
import { validate } from "../http/validate.ts";
import { getAgent, listRetiredAgentIds } from "../registry/read.ts";
import { changeAgentState, createAgent, deleteAgent, updateAgent } from "./service.ts";

const params = z.object({ id: agentIdSchema });

/** Whether an Accept-Encoding header accepts gzip (listed, and not with q=0). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(",").some((part) => {
    const [coding, ...options] = part.split(";").map((piece) => piece.trim().toLowerCase());
    if (coding !== "gzip") return false;
    const q = options.find((option) => option.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

export function agentRoutes(deps: ConsoleDeps) {
  return new Hono<AppEnv>()
    .get("/", async (c) => {
      const user = currentUser(c);
      if (user.role === "agent") {
        const self = await getAgent(deps.db, user.agentId ?? "");
        return c.json({ agents: self ? [self] : [] }, 200);
      }
      const gzipped = acceptsGzip(c.req.header("accept-encoding"));
      c.header("Content-Type", "application/json");
      c.header("Vary", "Accept-Encoding");
      if (gzipped) c.header("Content-Encoding", "gzip");
      return c.body(await deps.agentList.body(gzipped), 200);
    })
    .get("/retired", requireRole("admin", "supervisor"), async (c) =>
      c.json({ agentIds: await listRetiredAgentIds(deps.db) }, 200),
    )
    .get("/:id", validate("param", params), async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid("param");
      if (user.role === "agent" && user.agentId !== id) throw forbiddenOther();
      const agent = await getAgent(deps.db, id);
      if (!agent) throw notFound(`Agent ${id}`);
      return c.json({ agent }, 200);
    })
    .post("/", requireRole("admin"), validate("json", createAgentRequestSchema), async (c) => {
      const agent = valueOf(await createAgent(deps, currentUser(c).username, c.req.valid("json")));
      return c.json({ agent }, 201);
    })
    .patch(
      "/:id",
      requireRole("admin"),
      validate("param", params),
      validate("json", updateAgentRequestSchema),
      async (c) => {
        const agent = valueOf(
          await updateAgent(deps, currentUser(c).username, c.req.valid("param").id, c.req.valid("json")),
        );
        return c.json({ agent }, 200);
      },
    )
    .delete("/:id", requireRole("admin"), validate("param", params), async (c) => {
      valueOf(await deleteAgent(deps, currentUser(c).username, c.req.valid("param").id));
      return c.body(null, 204);
    })
    .post(
      "/:id/state",
      validate("param", params),
      async (c, next) => {
        // Agents may change their own state only; check before the body is even read.
        const user = currentUser(c);
        if (user.role === "agent" && user.agentId !== c.req.valid("param").id) throw forbiddenOther();
        await next();
      },
      validate("json", agentStateRequestSchema),
      async (c) => {
        const request = c.req.valid("json");
        if (
          request.action === "pause" &&
          request.reason &&
          !deps.config.pauseReasons.includes(request.reason)
        ) {
          throw new HttpError(400, "VALIDATION", "Unknown pause reason.", {
            fields: { reason: `Reason must be one of: ${deps.config.pauseReasons.join(", ")}` },
            reasons: { reason: "unlisted_reason" },
          });
        }
        const agent = valueOf(
          await changeAgentState(deps, currentUser(c).username, c.req.valid("param").id, request),
        );
        return c.json({ agent }, 200);
      },
    );
}

const forbiddenOther = () =>
  new HttpError(403, "FORBIDDEN", "Agents can only see and change their own state.");
