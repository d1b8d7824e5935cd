import type { ConsoleDeps } from "../deps.ts";
import { currentUser } from "../auth/middleware.ts";
import { handlers } from "../http/contract.ts";
import { HttpError, notFound } from "../http/errors.ts";
import { valueOf } from "../pbx/writes.ts";
import { findAgentRow } from "../registry/agents.ts";
import { agentHistory } from "../registry/history.ts";
import { getAgent, listRetiredAgentIds } from "../registry/read.ts";
import { changeManyStates } from "./bulk.ts";
import { changeAgentState, createAgent, deleteAgent, updateAgent } from "./service.ts";

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
  return handlers({
    "GET /agents": async (c, reply) => {
      const user = currentUser(c);
      if (user.role === "agent") {
        const self = await getAgent(deps.db, user.agentId ?? "");
        return reply(200, { agents: self ? [self] : [] });
      }
      const gzipped = acceptsGzip(c.req.header("accept-encoding"));
      c.header("Vary", "Accept-Encoding");
      if (gzipped) c.header("Content-Encoding", "gzip");
      return reply.serialized(200, await deps.agentList.body(gzipped));
    },
    "GET /agents/retired": async (_c, reply) => reply(200, { agentIds: await listRetiredAgentIds(deps.db) }),
    "GET /agents/:id": async (c, reply) => {
      const { id } = c.req.valid("param");
      const agent = await getAgent(deps.db, id);
      if (!agent) throw notFound(`Agent ${id}`);
      return reply(200, { agent });
    },
    // Admins and supervisors see anyone's; an agent only its own (the table's `self`).
    "GET /agents/:id/history": async (c, reply) => {
      const { id } = c.req.valid("param");
      if (!(await findAgentRow(deps.db, id))) throw notFound(`Agent ${id}`);
      const { from, to } = c.req.valid("query");
      return reply(200, { intervals: await agentHistory(deps.db, id, Date.parse(from), Date.parse(to)) });
    },
    "POST /agents": async (c, reply) => {
      const agent = valueOf(await createAgent(deps, currentUser(c).username, c.req.valid("json")));
      return reply(201, { agent });
    },
    "PATCH /agents/:id": async (c, reply) => {
      const agent = valueOf(
        await updateAgent(deps, currentUser(c).username, c.req.valid("param").id, c.req.valid("json")),
      );
      return reply(200, { agent });
    },
    "DELETE /agents/:id": async (c, reply) => {
      valueOf(await deleteAgent(deps, currentUser(c).username, c.req.valid("param").id));
      return reply(204);
    },
    // Agents may change their own state only: the table's `self`, checked before the body is even read.
    "POST /agents/:id/state": async (c, reply) => {
      const request = c.req.valid("json");
      if (request.action === "pause") checkPauseReason(deps.config.pauseReasons, request.reason);
      const agent = valueOf(
        await changeAgentState(deps, currentUser(c).username, c.req.valid("param").id, request),
      );
      return reply(200, { agent });
    },
    "POST /agents/state": async (c, reply) => {
      const request = c.req.valid("json");
      if (request.action === "pause") checkPauseReason(deps.config.pauseReasons, request.reason);
      return reply(200, { results: await changeManyStates(deps, currentUser(c).username, request) });
    },
  });
}

/** 400 for a pause reason the console does not offer (no reason at all is allowed). */
function checkPauseReason(reasons: string[], reason: string | undefined): void {
  if (!reason || reasons.includes(reason)) return;
  throw new HttpError(400, "VALIDATION", "Unknown pause reason.", {
    fields: { reason: `Reason must be one of: ${reasons.join(", ")}` },
    reasons: { reason: "unlisted_reason" },
  });
}
