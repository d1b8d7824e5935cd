// The audit log: who did what to whom, when, and what the PBX answered; pages go backwards by id.
import type { AuditQuery } from "@crystal-console/api";
import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";

export type AuditFilters = Partial<Omit<AuditQuery, "limit">>;

export const auditKeys = {
  all: ["audit"] as const,
  list: (filters: AuditFilters) => [...auditKeys.all, "list", filters] as const,
};

export const PAGE_SIZE = 50;

export const auditQueryOptions = (filters: AuditFilters) =>
  queryOptions({
    queryKey: auditKeys.list(filters),
    queryFn: ({ signal }) => api("GET /audit", { signal, query: { ...filters, limit: PAGE_SIZE } }),
    placeholderData: keepPreviousData,
  });

export function useAudit(filters: AuditFilters) {
  return useQuery(auditQueryOptions(filters));
}
