// The PBX's health as the server sees it: fetched once, then kept current by `health` events.
import type { Health, PbxHealth } from "@crystal-console/api";
import { queryOptions, useQuery, type QueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";

export const healthKeys = {
  all: ["health"] as const,
  current: () => [...healthKeys.all, "current"] as const,
};

export const healthQueryOptions = () =>
  queryOptions({
    queryKey: healthKeys.current(),
    queryFn: ({ signal }) => api("GET /health", { signal }),
    staleTime: 60_000,
  });

export function useHealth() {
  return useQuery(healthQueryOptions());
}

export function setPbxHealth(queryClient: QueryClient, pbx: PbxHealth): void {
  // The same rule as the server's GET /api/health: unreachable or slow is "degraded".
  // The instance is the one that answered the fetch; a health event does not change it.
  queryClient.setQueryData<Health>(healthKeys.current(), (previous) => ({
    status: pbx.reachable === false || pbx.slow === true ? "degraded" : "ok",
    instance: previous?.instance ?? "",
    pbx,
  }));
}
