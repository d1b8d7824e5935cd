// GET /api/events: Server-Sent Events of every committed change, with ids, heartbeats and Last-Event-ID resume.
import type { ConsoleEvent, SessionUser } from "@crystal-console/api";
import { Hono } from "hono";
import { currentUser } from "../auth/middleware.ts";
import type { ConsoleDeps } from "../deps.ts";
import type { AppEnv } from "../http/env.ts";
import type { StoredEvent } from "./bus.ts";

const HEARTBEAT_MS = 15_000;
/** At most this many replayed events go out in one write. */
const REPLAY_BATCH = 500;
/** Bytes waiting for a client that does not read before its stream is closed (it reconnects and resumes). */
const MAX_BUFFERED = 4 * 1024 * 1024;
const CONNECTED = Buffer.from(": connected\n\n");
const PING = Buffer.from(": ping\n\n");

/**
 * Each event's SSE frame, built and encoded once however many streams send it (broadcast hands every
 * subscriber the same object). The frame is what hono's writeSSE would write: JSON has no raw newline, so
 * the data is one line.
 */
const frames = new WeakMap<StoredEvent, Uint8Array>();
function frameOf(stored: StoredEvent): Uint8Array {
  let frame = frames.get(stored);
  if (!frame) {
    frame = Buffer.from(
      `event: ${stored.event.type}\ndata: ${JSON.stringify(stored.event)}\nid: ${stored.id}\n\n`,
      "utf8",
    );
    frames.set(stored, frame);
  }
  return frame;
}

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
    const queue: StoredEvent[] = [];
    let wake: (() => void) | null = null;
    let open = true;
    const stop = () => {
      open = false;
      wake?.();
    };

    // The response body is one ReadableStream the loop below enqueues into (hono's streamSSE puts a writer,
    // a TransformStream and a second ReadableStream in between: three stream hops per event per client).
    // Enqueueing does not wait for the client; a client that stops reading is cut off once MAX_BUFFERED
    // bytes wait for it, and its EventSource reconnects and resumes from its Last-Event-ID.
    const body = new ReadableStream<Uint8Array>(
      {
        start(controller) {
          const write = (bytes: Uint8Array) => {
            if (!open) return;
            controller.enqueue(bytes);
            if ((controller.desiredSize ?? 0) < -MAX_BUFFERED) stop();
          };
          void run(write).finally(() => {
            try {
              controller.close();
            } catch {
              // already cancelled by the client
            }
          });
        },
        cancel: stop,
      },
      new ByteLengthQueuingStrategy({ highWaterMark: 0 }),
    );

    async function run(write: (bytes: Uint8Array) => void): Promise<void> {
      const unsubscribe = deps.bus.subscribe((stored) => {
        queue.push(stored);
        wake?.();
      });
      deps.metrics.sseClients.inc();
      deps.closing.addEventListener("abort", stop, { once: true });
      let heartbeat: NodeJS.Timeout | undefined;
      try {
        // Subscribe first, then replay, so nothing committed in between is lost; skip duplicates by id.
        let sentUpTo =
          Number.isFinite(lastEventId) && lastEventId > 0 ? lastEventId : await deps.bus.lastId();
        const replay = await deps.bus.since(sentUpTo);
        /** Sends the events not sent yet that this user may see, in one write. */
        const send = (batch: StoredEvent[]) => {
          const out: Uint8Array[] = [];
          for (const stored of batch) {
            if (stored.id <= sentUpTo) continue;
            sentUpTo = stored.id;
            if (visibleTo(user, stored.event)) out.push(frameOf(stored));
          }
          if (out.length === 1) write(out[0]!);
          else if (out.length > 1) write(Buffer.concat(out));
        };
        write(CONNECTED);
        for (let i = 0; i < replay.length; i += REPLAY_BATCH) send(replay.slice(i, i + REPLAY_BATCH));
        // One timer per stream for the heartbeat (not one per wake-up: at 50 events/s and 500 streams that
        // was 25,000 timers a second, each pending for 15 s).
        let heartbeatDue = false;
        heartbeat = setInterval(() => {
          heartbeatDue = true;
          wake?.();
        }, HEARTBEAT_MS);
        heartbeat.unref();
        while (open && !deps.closing.aborted) {
          if (queue.length > 0) {
            // Whatever arrived since the last wake-up leaves together.
            send(queue.splice(0));
            continue;
          }
          if (heartbeatDue) {
            heartbeatDue = false;
            // The stream lives only as long as its session: sign-out, disabling or expiry closes it.
            if (!token || !(await deps.sessions.lookup(token))) break;
            write(PING);
            continue;
          }
          // Nothing to do: sleep until an event, the heartbeat or the end (each calls wake).
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = null;
        }
      } catch (error) {
        deps.log.warn({ err: String(error) }, "event stream ended");
      } finally {
        open = false;
        if (heartbeat) clearInterval(heartbeat);
        deps.closing.removeEventListener("abort", stop);
        unsubscribe();
        deps.metrics.sseClients.dec();
      }
    }

    return c.body(body, 200, {
      "Content-Type": "text/event-stream",
      "Cache-Control": "no-cache",
      Connection: "keep-alive",
    });
  });
}
