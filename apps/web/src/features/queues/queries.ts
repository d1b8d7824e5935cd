// Queues in the query cache: keys, query options, and the cache edits shared by mutations and live events.
import type { Queue } from "@crystal-console/api";
import { queryOptions, useQuery, type QueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";

export const queueKeys = {
  all: ["queues"] as const,
  list: () => [...queueKeys.all, "list"] as const,
};

export const queuesQueryOptions = () =>
  queryOptions({
    queryKey: queueKeys.list(),
    queryFn: async ({ signal }) => (await api("GET /queues", { signal })).queues,
    staleTime: 5 * 60_000,
  });

export function useQueues() {
  return useQuery(queuesQueryOptions());
}

export function upsertQueue(queryClient: QueryClient, queue: Queue): void {
  queryClient.setQueryData<Queue[]>(queueKeys.list(), (queues) => {
    if (!queues) return queues;
    const index = queues.findIndex((each) => each.id === queue.id);
    if (index === -1) return [...queues, queue];
    const next = queues.slice();
    next[index] = queue;
    return next;
  });
}

export function updateQueue(
  queryClient: QueryClient,
  queueId: string,
  change: (queue: Queue) => Queue,
): void {
  queryClient.setQueryData<Queue[]>(queueKeys.list(), (queues) =>
    queues?.map((queue) => (queue.id === queueId ? change(queue) : queue)),
  );
}

export function removeQueue(queryClient: QueryClient, queueId: string): void {
  queryClient.setQueryData<Queue[]>(queueKeys.list(), (queues) =>
    queues?.filter((queue) => queue.id !== queueId),
  );
}

/** A deleted agent leaves every queue. */
export function forgetAgentInQueues(queryClient: QueryClient, agentId: string): void {
  queryClient.setQueryData<Queue[]>(queueKeys.list(), (queues) =>
    queues?.map((queue) =>
      queue.agentIds.includes(agentId)
        ? { ...queue, agentIds: queue.agentIds.filter((id) => id !== agentId) }
        : queue,
    ),
  );
}
