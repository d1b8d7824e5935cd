// Changing agents: state commands (optimistic, rolled back when the PBX refuses) and the admin's edits.
import type { Agent, AgentStateRequest, CreateAgentRequest, UpdateAgentRequest } from "@crystal-console/api";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";
import { forgetAgentInQueues } from "../queues/queries.ts";
import { agentKeys, getCachedAgent, removeAgent, upsertAgent } from "./queries.ts";

/** What the agent looks like once the PBX has done what was asked. */
export function expectedAgentState(agent: Agent, request: AgentStateRequest, by: string | null): Agent {
  const changed = { ...agent, statusSince: new Date().toISOString(), statusBy: by, confirmed: true };
  switch (request.action) {
    case "login":
      return { ...changed, status: "online", extension: request.extension, pauseReason: null };
    case "logoff":
      return { ...changed, status: "logged_off", extension: null, pauseReason: null };
    case "pause":
      return { ...changed, status: "paused", pauseReason: request.reason || null };
    case "online":
      return { ...changed, status: "online", pauseReason: null };
    case "mission":
      return { ...changed, status: "mission", pauseReason: null };
  }
}

export type ChangeAgentStateVariables = { agentId: string; request: AgentStateRequest };

/**
 * Sends a state command. The agent changes on screen at once; if the PBX refuses, it changes back and the
 * toast carries the PBX's answer (unless `toast` is false: a dialog that shows the error itself).
 */
export function useChangeAgentState({
  by = null,
  toast = true,
}: { by?: string | null; toast?: boolean } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: [...agentKeys.all, "state"],
    meta: { toast, errorContext: "toast.stateNotChanged" },
    mutationFn: ({ agentId, request }: ChangeAgentStateVariables) =>
      api("POST /agents/:id/state", { params: { id: agentId }, body: request }),
    onMutate: async ({ agentId, request }) => {
      await queryClient.cancelQueries({ queryKey: agentKeys.list() });
      const previous = getCachedAgent(queryClient, agentId);
      if (!previous) return { previous, optimistic: undefined };
      const optimistic = expectedAgentState(previous, request, by);
      upsertAgent(queryClient, optimistic);
      return { previous, optimistic };
    },
    onError: (_error, { agentId }, context) => {
      if (!context?.previous) return;
      // Roll back only if nothing newer (a live event) replaced our guess meanwhile.
      const current = getCachedAgent(queryClient, agentId);
      const guess = context.optimistic;
      if (current && guess && current.statusSince === guess.statusSince && current.status === guess.status) {
        upsertAgent(queryClient, context.previous);
      }
    },
    onSuccess: ({ agent }) => upsertAgent(queryClient, agent),
  });
}

export function useCreateAgent() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { toast: "pbx", errorContext: "toast.notCreated" },
    mutationFn: (request: CreateAgentRequest) => api("POST /agents", { body: request }),
    onSuccess: ({ agent }) => upsertAgent(queryClient, agent),
  });
}

export function useUpdateAgent() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { toast: "pbx", errorContext: "toast.notSaved" },
    mutationFn: ({ agentId, changes }: { agentId: string; changes: UpdateAgentRequest }) =>
      api("PATCH /agents/:id", { params: { id: agentId }, body: changes }),
    onSuccess: ({ agent }) => upsertAgent(queryClient, agent),
  });
}

export function useDeleteAgent() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { toast: "pbx", errorContext: "toast.notDeleted" },
    mutationFn: (agentId: string) => api("DELETE /agents/:id", { params: { id: agentId } }),
    onSuccess: (_result, agentId) => {
      removeAgent(queryClient, agentId);
      forgetAgentInQueues(queryClient, agentId);
      void queryClient.invalidateQueries({ queryKey: agentKeys.retired() });
    },
  });
}
