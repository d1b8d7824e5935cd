// GET /api/events: Server-Sent Events of every committed change, with ids, heartbeats and Last-Event-ID resume.
import type { ConsoleEvent, SessionUser } from "@crystal-console/api";
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { currentUser } from "../auth/middleware.ts";
import type { ConsoleDeps } from "../deps.ts";
import type { AppEnv } from "../http/env.ts";
import type { StoredEvent } from "./bus.ts";

const HEARTBEAT_MS = 15_000;

/** Agents see only their own state and the PBX's health; everyone else sees everything. */
function visibleTo(user: SessionUser, event: ConsoleEvent): boolean {
  if (user.role !== "agent") return true;
  switch (event.type) {
    case "agent":
      return event.agent.id === user.agentId;
    case "agentDeleted":
      return event.agentId === user.agentId;
    case "health":
      return true;
    default:
      return false;
  }
}

export function eventRoutes(deps: ConsoleDeps) {
  return new Hono<AppEnv>().get("/", (c) => {
    const user = currentUser(c);
    const token = c.get("sessionToken");
    const lastEventId = Number(c.req.header("Last-Event-ID") ?? c.req.query("lastEventId") ?? "");
    return streamSSE(c, async (stream) => {
      const queue: StoredEvent[] = [];
      let wake: (() => void) | null = null;
      const unsubscribe = deps.bus.subscribe((stored) => {
        queue.push(stored);
        wake?.();
      });
      deps.metrics.sseClients.inc();
      let open = true;
      const stop = () => {
        open = false;
        wake?.();
      };
      stream.onAbort(stop);
      deps.closing.addEventListener("abort", stop, { once: true });
      try {
        // Subscribe first, then replay, so nothing committed in between is lost; skip duplicates by id.
        let sentUpTo =
          Number.isFinite(lastEventId) && lastEventId > 0 ? lastEventId : await deps.bus.lastId();
        const replay = await deps.bus.since(sentUpTo);
        const send = async (stored: StoredEvent) => {
          if (stored.id <= sentUpTo) return;
          sentUpTo = stored.id;
          if (!visibleTo(user, stored.event)) return;
          await stream.writeSSE({
            id: String(stored.id),
            event: stored.event.type,
            data: JSON.stringify(stored.event),
          });
        };
        await stream.write(": connected\n\n");
        for (const stored of replay) await send(stored);
        let nextHeartbeat = Date.now() + HEARTBEAT_MS;
        while (open && !deps.closing.aborted) {
          while (queue.length > 0) await send(queue.shift()!);
          if (Date.now() >= nextHeartbeat) {
            // The stream lives only as long as its session: sign-out, disabling or expiry closes it.
            if (!token || !(await deps.sessions.lookup(token))) break;
            await stream.write(": ping\n\n");
            nextHeartbeat = Date.now() + HEARTBEAT_MS;
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, Math.max(0, nextHeartbeat - Date.now())).unref();
          });
          wake = null;
        }
      } finally {
        deps.closing.removeEventListener("abort", stop);
        unsubscribe();
        deps.metrics.sseClients.dec();
      }
    });
  });
}
