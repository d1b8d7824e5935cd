// A day's timeline (issue 12): each agent's intervals over one day of the call centre's time zone, at most
// TIMELINE_MAX_AGENTS agents, for the reports page's timeline chart.
import { TIMELINE_MAX_AGENTS, type TimelineQuery, type TimelineResponse } from "@crystal-console/api";
import type { Registry } from "../registry/open.ts";
import { dayTimeline } from "../registry/timeline.ts";
import { type ReportSettings, zonedDays } from "./agent-time.ts";

export async function timelineReport(
  db: Registry,
  settings: ReportSettings,
  query: TimelineQuery,
): Promise<TimelineResponse> {
  const day = zonedDays(query.date, query.date, settings.timeZone);
  const { agentCount, agents } = await dayTimeline(db, {
    from: day.from,
    to: day.to,
    queueId: query.queueId,
    limit: TIMELINE_MAX_AGENTS,
  });
  return {
    date: query.date,
    timeZone: settings.timeZone,
    from: new Date(day.from).toISOString(),
    to: new Date(day.to).toISOString(),
    hours: day.days[0]?.hours ?? 24,
    agentCount,
    limit: TIMELINE_MAX_AGENTS,
    agents,
  };
}
