// GET /api/events: Server-Sent Events of every committed change, with ids, heartbeats and Last-Event-ID
// resume. The streams themselves, and how changes reach them, are in streams.ts.
import { currentUser } from "../auth/middleware.ts";
import type { ConsoleDeps } from "../deps.ts";
import { handlers } from "../http/contract.ts";
import { HttpError } from "../http/errors.ts";
import { STREAMS_PER_SESSION, createEventStreams } from "./streams.ts";

export function eventRoutes(deps: ConsoleDeps) {
  const streams = createEventStreams(deps);
  return handlers({
    "GET /events": (c, reply) => {
      const user = currentUser(c);
      const token = c.get("sessionToken");
      if (!token) throw new HttpError(401, "UNAUTHENTICATED", "Sign in first.");
      // A supervisor's tabs each hold one stream; more than this from one session is a runaway script. The
      // new one is refused rather than the oldest closed: a closed EventSource reconnects at once, and would
      // close the next oldest in turn, round and round.
      if (!streams.hasRoom(token)) {
        throw new HttpError(
          429,
          "RATE_LIMITED",
          `This session already has ${STREAMS_PER_SESSION} live event streams open. Close one of its other tabs; this one keeps trying.`,
        );
      }
      const lastEventId = Number(c.req.header("Last-Event-ID") ?? c.req.query("lastEventId") ?? "");
      const body = streams.open(
        user,
        token,
        Number.isInteger(lastEventId) && lastEventId > 0 ? lastEventId : 0,
      );
      return reply.text(200, body, {
        "Content-Type": "text/event-stream",
        "Cache-Control": "no-cache",
        Connection: "keep-alive",
      });
    },
  });
}
