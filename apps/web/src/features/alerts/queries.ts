// Alerts and the alert rules (policy) in the query cache: keys, query options, the admin's save, and the
// live `alert` events written into the list (and handed to the opt-in sound and desktop notification).
import type { Alert, ConsoleEvent, Policy } from "@crystal-console/api";
import { queryOptions, useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";

export const alertKeys = {
  all: ["alerts"] as const,
  list: () => [...alertKeys.all, "list"] as const,
  policy: () => [...alertKeys.all, "policy"] as const,
};

/** One key per alert, as the server keys them: an agent's overdue pause, a queue's shortage. */
export const keyOf = (alert: Alert) =>
  alert.kind === "pause_overdue" ? `pause:${alert.agentId}` : `queue:${alert.queueId}`;

export const alertsQueryOptions = () =>
  queryOptions({
    queryKey: alertKeys.list(),
    queryFn: async ({ signal }) => (await api("GET /alerts", { signal })).alerts,
    staleTime: 5 * 60_000,
  });

export function useAlerts() {
  return useQuery(alertsQueryOptions());
}

export function usePolicy() {
  return useQuery({
    queryKey: alertKeys.policy(),
    queryFn: async ({ signal }) => (await api("GET /policy", { signal })).policy,
  });
}

export function useSavePolicy() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { errorContext: "toast.notSaved" },
    mutationFn: (policy: Policy) => api("PUT /policy", { body: policy }),
    onSuccess: ({ policy }) => queryClient.setQueryData(alertKeys.policy(), policy),
  });
}

const startedListeners = new Set<(alert: Alert) => void>();

/** Called with each alert that starts (the opt-in sound and notification listen here). */
export function onAlertStarted(listener: (alert: Alert) => void): () => void {
  startedListeners.add(listener);
  return () => startedListeners.delete(listener);
}

export function applyAlertEvent(
  queryClient: QueryClient,
  event: Extract<ConsoleEvent, { type: "alert" }>,
): void {
  const key = keyOf(event.alert);
  queryClient.setQueryData<Alert[]>(alertKeys.list(), (alerts) => {
    if (!alerts) return alerts;
    const others = alerts.filter((alert) => keyOf(alert) !== key);
    return event.state === "ended" ? others : [...others, event.alert];
  });
  if (event.state === "started") for (const listener of startedListeners) listener(event.alert);
}

/** The alerts by what they are about: agents whose pause is overdue, queues that are short. */
export function alertIndex(alerts: readonly Alert[] | undefined) {
  const overdue = new Map<string, Extract<Alert, { kind: "pause_overdue" }>>();
  const short = new Map<string, Extract<Alert, { kind: "queue_understaffed" }>>();
  for (const alert of alerts ?? []) {
    if (alert.kind === "pause_overdue") overdue.set(alert.agentId, alert);
    else short.set(alert.queueId, alert);
  }
  return { overdue, short };
}
