// The agent-time report in the query cache, and the address of the same as CSV.
import type { AgentTimeQuery } from "@crystal-console/api";
import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api, routeUrl } from "../../lib/api.ts";

export const reportKeys = {
  all: ["reports"] as const,
  agentTime: (query: AgentTimeQuery) => [...reportKeys.all, "agent-time", query] as const,
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
