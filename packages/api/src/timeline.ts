// A day's timeline (issue 12): each agent's state intervals over one day of the call centre's time zone, for
// the reports page's timeline chart, in one request (GET /api/reports/timeline).
import { z } from "zod";
import { historyIntervalSchema } from "./resources.ts";
import { queueIdSchema } from "./values.ts";

/** The most agents one timeline shows; the answer says how many there were. */
export const TIMELINE_MAX_AGENTS = 50;

export const timelineQuerySchema = z.object({
  date: z.iso.date({ error: "Date must be a date (YYYY-MM-DD)" }),
  queueId: queueIdSchema.optional(),
});
export type TimelineQuery = z.infer<typeof timelineQuerySchema>;

export const timelineAgentSchema = z
  .object({ agentId: z.string(), name: z.string(), intervals: z.array(historyIntervalSchema) })
  .meta({ id: "TimelineAgent", description: "One agent's intervals that overlap the day, oldest first." });
export type TimelineAgent = z.infer<typeof timelineAgentSchema>;

export const timelineResponseSchema = z
  .object({
    date: z.string(),
    timeZone: z.string(),
    /** The day's midnight and the next one in `timeZone` (23 or 25 hours apart on a daylight-saving day). */
    from: z.string(),
    to: z.string(),
    hours: z.number(),
    /** How many agents were logged in at some time of the day (of the queue, when given). */
    agentCount: z.number(),
    /** The most agents shown; when `agentCount` is larger, the first ones by id are. */
    limit: z.number(),
    agents: z.array(timelineAgentSchema),
  })
  .meta({
    id: "TimelineResponse",
    description:
      "The agents logged in at some time of the day, by id, at most `limit` of them, each with its " +
      "intervals that overlap the day (not cut to it); agents logged off all day are left out.",
  });
export type TimelineResponse = z.infer<typeof timelineResponseSchema>;
