// Changing queues: assignment and release (optimistic, for one agent or a selection), and the admin's edits.
import type { CreateQueueRequest, Queue, UpdateQueueRequest } from "@crystal-console/api";
import { useMutation, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { ApiRequestError, LocalizedError, api } from "../../lib/api.ts";
import { agentKeys, forgetQueueInAgents, updateAgents } from "../agents/queries.ts";
import { queueKeys, removeQueue, updateQueue, upsertQueue } from "./queries.ts";

/** Some agents of a selection could not be assigned or released; `cause` is the first refusal. */
export class MembershipError extends LocalizedError {
  constructor(
    member: boolean,
    total: number,
    readonly failedAgentIds: string[],
    cause: unknown,
  ) {
    super(
      member ? "queues.notAllAssigned" : "queues.notAllReleased",
      { failed: failedAgentIds.length, total },
      cause,
    );
    this.name = "MembershipError";
  }
}

/** Runs one request per agent, a few at a time, and reports which agents failed. */
async function forEachAgent(agentIds: string[], request: (agentId: string) => Promise<unknown>) {
  const failures: { agentId: string; error: unknown }[] = [];
  const pending = agentIds.slice();
  async function worker() {
    for (let agentId = pending.shift(); agentId !== undefined; agentId = pending.shift()) {
      try {
        await request(agentId);
      } catch (error) {
        failures.push({ agentId, error });
        // A lost session ends the whole batch.
        if (error instanceof ApiRequestError && error.status === 401) pending.length = 0;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(4, agentIds.length) }, worker));
  return failures;
}

type MembershipVariables = { queueId: string; agentIds: string[] };

function setMembership(queryClient: QueryClient, queueId: string, agentIds: string[], member: boolean) {
  const ids = new Set(agentIds);
  updateAgents(queryClient, agentIds, (agent) => ({
    ...agent,
    queueIds: member
      ? agent.queueIds.includes(queueId)
        ? agent.queueIds
        : [...agent.queueIds, queueId]
      : agent.queueIds.filter((id) => id !== queueId),
  }));
  updateQueue(queryClient, queueId, (queue) => ({
    ...queue,
    agentIds: member
      ? [...queue.agentIds, ...agentIds.filter((id) => !queue.agentIds.includes(id))]
      : queue.agentIds.filter((id) => !ids.has(id)),
  }));
}

function useMembershipMutation(member: boolean) {
  const queryClient = useQueryClient();
  const verb = member ? "assign" : "release";
  return useMutation({
    mutationKey: [...queueKeys.all, verb],
    meta: { errorContext: member ? "toast.notAssigned" : "toast.notRemoved" },
    mutationFn: async ({ queueId, agentIds }: MembershipVariables) => {
      const failures = await forEachAgent(agentIds, (agentId) =>
        member
          ? api("PUT /queues/:queueId/agents/:agentId", { params: { queueId, agentId } })
          : api("DELETE /queues/:queueId/agents/:agentId", { params: { queueId, agentId } }),
      );
      const first = failures[0];
      if (!first) return;
      if (agentIds.length === 1) throw first.error;
      throw new MembershipError(
        member,
        agentIds.length,
        failures.map((failure) => failure.agentId),
        first.error,
      );
    },
    onMutate: async ({ queueId, agentIds }) => {
      await Promise.all([
        queryClient.cancelQueries({ queryKey: agentKeys.list() }),
        queryClient.cancelQueries({ queryKey: queueKeys.list() }),
      ]);
      const queue = queryClient.getQueryData<Queue[]>(queueKeys.list())?.find((each) => each.id === queueId);
      // Only the agents whose membership actually changes are rolled back on failure.
      const changed = agentIds.filter((id) => (queue?.agentIds.includes(id) ?? !member) !== member);
      setMembership(queryClient, queueId, changed, member);
      return { changed };
    },
    onError: (error, { queueId, agentIds }, context) => {
      const failed = error instanceof MembershipError ? error.failedAgentIds : agentIds;
      const rollback = failed.filter((id) => context?.changed.includes(id));
      setMembership(queryClient, queueId, rollback, !member);
    },
  });
}

export function useAssignAgents() {
  return useMembershipMutation(true);
}

export function useReleaseAgents() {
  return useMembershipMutation(false);
}

export function useCreateQueue() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { toast: "pbx", errorContext: "toast.notCreated" },
    mutationFn: (request: CreateQueueRequest) => api("POST /queues", { body: request }),
    onSuccess: ({ queue }) => upsertQueue(queryClient, queue),
  });
}

export function useUpdateQueue() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { toast: "pbx", errorContext: "toast.notSaved" },
    mutationFn: ({ queueId, changes }: { queueId: string; changes: UpdateQueueRequest }) =>
      api("PATCH /queues/:queueId", { params: { queueId }, body: changes }),
    onSuccess: ({ queue }) => upsertQueue(queryClient, queue),
  });
}

export function useDeleteQueue() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { toast: "pbx", errorContext: "toast.notDeleted" },
    mutationFn: (queueId: string) => api("DELETE /queues/:queueId", { params: { queueId } }),
    onSuccess: (_result, queueId) => {
      removeQueue(queryClient, queueId);
      forgetQueueInAgents(queryClient, queueId);
    },
  });
}
