// CSV imports in the query cache: the plan (a dry run) and the start are mutations; a running job's progress
// is polled from the job list (no rows: small, however big the file) and kept current between polls by
// `import` live events; once the job has ended, its per-row results are fetched once.
import type {
  ImportJobProgress,
  ImportJobSummary,
  ImportKind,
  ImportPlanResponse,
  ImportStartResponse,
} from "@crystal-console/api";
import { queryOptions, useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, routeUrl } from "../../lib/api.ts";

export const importKeys = {
  all: ["import"] as const,
  jobs: () => [...importKeys.all, "jobs"] as const,
  progress: (jobId: string) => [...importKeys.jobs(), jobId, "progress"] as const,
  results: (jobId: string) => [...importKeys.jobs(), jobId, "results"] as const,
};

/** Where the browser downloads a CSV file itself (a plain link, so the server's file name is kept). */
export const csvDownloads = {
  agents: routeUrl("GET /export/agents.csv"),
  queues: routeUrl("GET /export/queues.csv"),
  report: (jobId: string) => routeUrl("GET /import/jobs/:jobId/report.csv", { params: { jobId } }),
};

export const POLL_MS = 500;

const isRunning = (job: Pick<ImportJobProgress, "status"> | undefined) => !job || job.status === "running";

export const importJobsQueryOptions = () =>
  queryOptions({
    queryKey: importKeys.jobs(),
    queryFn: async ({ signal }) => (await api("GET /import/jobs", { signal })).jobs,
  });

export const importProgressQueryOptions = (jobId: string) =>
  queryOptions({
    queryKey: importKeys.progress(jobId),
    queryFn: async ({ signal }): Promise<ImportJobSummary> => {
      const { jobs } = await api("GET /import/jobs", { signal });
      const listed = jobs.find((job) => job.jobId === jobId);
      if (listed) return listed;
      // Only the last 20 finished jobs are listed: ask for this one by its id.
      const { rows: _rows, ...job } = (await api("GET /import/jobs/:jobId", { params: { jobId }, signal }))
        .job;
      return job;
    },
    refetchInterval: (query) => (isRunning(query.state.data) ? POLL_MS : false),
    staleTime: (query) => (isRunning(query.state.data) ? 0 : Infinity),
  });

export const importResultsQueryOptions = (jobId: string) =>
  queryOptions({
    queryKey: importKeys.results(jobId),
    queryFn: async ({ signal }) => (await api("GET /import/jobs/:jobId", { params: { jobId }, signal })).job,
    staleTime: Infinity,
  });

/** The import jobs the server keeps (the last 20 finished and any running). */
export function useImportJobs() {
  return useQuery(importJobsQueryOptions());
}

export function useImportProgress(jobId: string) {
  return useQuery(importProgressQueryOptions(jobId));
}

/** The per-row results, fetched once the job has ended. */
export function useImportResults(jobId: string, ended: boolean) {
  return useQuery({ ...importResultsQueryOptions(jobId), enabled: ended });
}

/** An `import` live event: the progress moves on between polls; the end is fetched with the job's counts. */
export function applyImportProgress(queryClient: QueryClient, progress: ImportJobProgress): void {
  const key = importKeys.progress(progress.jobId);
  const cached = queryClient.getQueryData<ImportJobSummary>(key);
  if (cached && cached.status === "running") {
    // Events and polls can cross: progress only moves forward.
    queryClient.setQueryData<ImportJobSummary>(key, {
      ...cached,
      total: progress.total,
      done: Math.max(cached.done, progress.done),
      failed: Math.max(cached.failed, progress.failed),
    });
  }
  if (progress.status !== "running") {
    void queryClient.invalidateQueries({ queryKey: key });
    void queryClient.invalidateQueries({ queryKey: importKeys.jobs(), exact: true });
  }
}

export type ImportRequest = {
  kind: ImportKind;
  /** The chosen file (sent byte for byte) or the pasted text. */
  csv: Blob | string;
  sync: boolean;
  skipErrors: boolean;
};

/** POST /import/:kind with the file: the plan (200) of a dry run, or the started job (202). */
const sendImport = (request: ImportRequest, dryRun: boolean) =>
  api("POST /import/:kind", {
    params: { kind: request.kind },
    query: {
      dryRun: dryRun ? "true" : undefined,
      sync: request.kind === "agents" && request.sync ? "true" : undefined,
      skipErrors: !dryRun && request.skipErrors ? "true" : undefined,
    },
    body: request.csv,
  });

const isPlan = (answer: ImportPlanResponse | ImportStartResponse): answer is ImportPlanResponse =>
  "rows" in answer;

/** A dry run: every row validated and planned, nothing sent to the PBX. */
export function usePlanImport() {
  return useMutation({
    meta: { toast: false },
    mutationFn: async (request: ImportRequest) => {
      const answer = await sendImport(request, true);
      if (!isPlan(answer)) throw new Error("The server started the import instead of planning it.");
      return answer;
    },
  });
}

export function useStartImport() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { toast: false },
    mutationFn: async (request: ImportRequest) => {
      const answer = await sendImport(request, false);
      if (isPlan(answer)) throw new Error("The server planned the import instead of starting it.");
      return answer;
    },
    // Started, or refused because another import runs (409): either way the list of jobs changed.
    onSettled: () => queryClient.invalidateQueries({ queryKey: importKeys.jobs(), exact: true }),
  });
}

export function useCancelImport() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { errorContext: "toast.notCancelled" },
    mutationFn: (jobId: string) => api("DELETE /import/jobs/:jobId", { params: { jobId } }),
    onSuccess: ({ job }) => {
      const { rows: _rows, ...summary } = job;
      queryClient.setQueryData<ImportJobSummary>(importKeys.progress(job.jobId), (cached) =>
        cached ? { ...cached, ...summary, done: Math.max(cached.done, summary.done) } : summary,
      );
    },
  });
}
