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
    // Every cache edit below keeps the agents it does not change, so comparing 10,000 agents deeply on
    // each live event (TanStack's structural sharing) is wasted work; a refetch re-renders the rows once.
    structuralSharing: false,
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
  upsertAgents(queryClient, [agent]);
}

/**
 * Inserts or replaces agents (the last of each id wins), keeping the list's order, in one write: a burst of
 * live events copies a 10,000-agent list once, not once per event.
 */
export function upsertAgents(queryClient: QueryClient, changed: Iterable<Agent>): void {
  const byId = new Map<string, Agent>();
  for (const agent of changed) byId.set(agent.id, agent);
  if (byId.size === 0) return;
  queryClient.setQueryData<Agent[]>(agentKeys.list(), (agents) => {
    if (!agents) return agents;
    const added = new Map(byId);
    const next = agents.map((agent) => {
      const replacement = byId.get(agent.id);
      if (!replacement) return agent;
      added.delete(agent.id);
      return replacement;
    });
    return added.size === 0 ? next : [...next, ...added.values()];
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
