// The live events on GET /api/events: one per committed change (SSE `event:` is the type, `data:` the JSON).
import { z } from "zod";
import { alertSchema, alertStates } from "./alerts.ts";
import { importJobProgressSchema } from "./imports.ts";
import { agentSchema, pbxHealthSchema, queueSchema } from "./resources.ts";

export const consoleEventTypes = [
  "agent",
  "agentDeleted",
  "queue",
  "queueDeleted",
  "health",
  "import",
  "alert",
] as const;

/** One committed change, as sent on /api/events. */
export const consoleEventSchema = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("agent"), agent: agentSchema }),
    z.object({ type: z.literal("agentDeleted"), agentId: z.string() }),
    z.object({ type: z.literal("queue"), queue: queueSchema }),
    z.object({ type: z.literal("queueDeleted"), queueId: z.string() }),
    z.object({ type: z.literal("health"), pbx: pbxHealthSchema }),
    z.object({ type: z.literal("import"), job: importJobProgressSchema }),
    z.object({ type: z.literal("alert"), state: z.enum(alertStates), alert: alertSchema }),
  ])
  .meta({
    id: "ConsoleEvent",
    description:
      "One committed change. On the stream, `event:` is the type, `data:` this JSON, `id:` its sequence number.",
  });
export type ConsoleEvent = z.infer<typeof consoleEventSchema>;
export type ConsoleEventType = ConsoleEvent["type"];

/**
 * Sent on /api/events instead of the events a stream missed when they are more than the server replays:
 * `data` is `{"type":"resync"}` and `id` the newest event it stands for. The client refetches what it shows.
 */
export const RESYNC_EVENT = "resync";

// The list above names every type of the union, and nothing else (the SPA listens for each by name).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const everyEventTypeListed: Same<ConsoleEventType, (typeof consoleEventTypes)[number]> = true;
void everyEventTypeListed;
