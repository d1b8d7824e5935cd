// An agent's state history in the query cache: one key per agent and range.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";

export const historyKeys = {
  all: ["history"] as const,
  agent: (agentId: string, from: string, to: string) => [...historyKeys.all, agentId, from, to] as const,
};

export const agentHistoryQueryOptions = (agentId: string, from: string, to: string) =>
  queryOptions({
    queryKey: historyKeys.agent(agentId, from, to),
    queryFn: async ({ signal }) =>
      (await api("GET /agents/:id/history", { signal, params: { id: agentId }, query: { from, to } }))
        .intervals,
  });

export function useAgentHistory(agentId: string, from: string, to: string) {
  return useQuery(agentHistoryQueryOptions(agentId, from, to));
}
