// The agent-time report and a day's timeline in the query cache, and the address of the report as CSV.
import type { AgentTimeQuery, TimelineQuery } from "@crystal-console/api";
import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api, routeUrl } from "../../lib/api.ts";

export const reportKeys = {
  all: ["reports"] as const,
  agentTime: (query: AgentTimeQuery) => [...reportKeys.all, "agent-time", query] as const,
  timeline: (query: TimelineQuery) => [...reportKeys.all, "timeline", query] as const,
};

const queryOf = (query: AgentTimeQuery) => ({
  from: query.from,
  to: query.to,
  ...(query.queueId ? { queueId: query.queueId } : {}),
});

export const agentTimeQueryOptions = (query: AgentTimeQuery) =>
  queryOptions({
    queryKey: reportKeys.agentTime(query),
    queryFn: ({ signal }) => api("GET /reports/agent-time", { signal, query: queryOf(query) }),
    placeholderData: keepPreviousData,
  });

export function useAgentTimeReport(query: AgentTimeQuery) {
  return useQuery(agentTimeQueryOptions(query));
}

export function agentTimeCsvUrl(query: AgentTimeQuery): string {
  return routeUrl("GET /reports/agent-time.csv", { query: queryOf(query) });
}

/** The report's totals per agent and day as CSV. */
export function agentDaysCsvUrl(query: AgentTimeQuery): string {
  return routeUrl("GET /reports/agent-time.csv", { query: { ...queryOf(query), by: "day" } });
}

/** A day's timeline: each agent's intervals over one day (DayTimeline.tsx). */
export function useDayTimeline(query: TimelineQuery) {
  return useQuery({
    queryKey: reportKeys.timeline(query),
    queryFn: ({ signal }) => api("GET /reports/timeline", { signal, query }),
    placeholderData: keepPreviousData,
  });
}
