// Agents in the query cache: keys, query options, and the cache edits shared by mutations and live events.
import type { Agent } from "@crystal-console/api";
import { queryOptions, useQuery, type QueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";

export const agentKeys = {
  all: ["agents"] as const,
  list: () => [...agentKeys.all, "list"] as const,
  retired: () => [...agentKeys.all, "retired"] as const,
  pauseReasons: () => [...agentKeys.all, "pause-reasons"] as const,
};

export const agentsQueryOptions = () =>
  queryOptions({
    queryKey: agentKeys.list(),
    queryFn: async ({ signal }) => (await api("GET /agents", { signal })).agents,
    // Live events keep the list current; a refetch is only needed after a reconnect.
    staleTime: 5 * 60_000,
  });

export const retiredAgentIdsQueryOptions = () =>
  queryOptions({
    queryKey: agentKeys.retired(),
    queryFn: async ({ signal }) => (await api("GET /agents/retired", { signal })).agentIds,
  });

export const pauseReasonsQueryOptions = () =>
  queryOptions({
    queryKey: agentKeys.pauseReasons(),
    queryFn: async ({ signal }) => (await api("GET /pause-reasons", { signal })).reasons,
    staleTime: Infinity,
  });

export function useAgents() {
  return useQuery(agentsQueryOptions());
}

export function useAgent(agentId: string | undefined) {
  return useQuery({
    ...agentsQueryOptions(),
    select: (agents) => agents.find((agent) => agent.id === agentId) ?? null,
  });
}

export function usePauseReasons() {
  return useQuery(pauseReasonsQueryOptions());
}

// ---------------------------------------------------------------- cache edits

export function getCachedAgent(queryClient: QueryClient, agentId: string): Agent | undefined {
  return queryClient.getQueryData<Agent[]>(agentKeys.list())?.find((agent) => agent.id === agentId);
}

/** Inserts or replaces one agent, keeping the list's order. */
export function upsertAgent(queryClient: QueryClient, agent: Agent): void {
  queryClient.setQueryData<Agent[]>(agentKeys.list(), (agents) => {
    if (!agents) return agents;
    const index = agents.findIndex((each) => each.id === agent.id);
    if (index === -1) return [...agents, agent];
    const next = agents.slice();
    next[index] = agent;
    return next;
  });
}

export function updateAgents(
  queryClient: QueryClient,
  agentIds: Iterable<string>,
  change: (agent: Agent) => Agent,
) {
  const ids = new Set(agentIds);
  queryClient.setQueryData<Agent[]>(agentKeys.list(), (agents) =>
    agents?.map((agent) => (ids.has(agent.id) ? change(agent) : agent)),
  );
}

export function removeAgent(queryClient: QueryClient, agentId: string): void {
  queryClient.setQueryData<Agent[]>(agentKeys.list(), (agents) =>
    agents?.filter((agent) => agent.id !== agentId),
  );
}

/** A deleted queue's memberships go with it. */
export function forgetQueueInAgents(queryClient: QueryClient, queueId: string): void {
  queryClient.setQueryData<Agent[]>(agentKeys.list(), (agents) =>
    agents?.map((agent) =>
      agent.queueIds.includes(queueId)
        ? { ...agent, queueIds: agent.queueIds.filter((id) => id !== queueId) }
        : agent,
    ),
  );
}
