// Import progress from live events: it only moves forward, and the end makes the job be read again.
import type { ImportJobProgress, ImportJobSummary } from "@crystal-console/api";
import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { applyImportProgress, importKeys } from "./queries.ts";

const summary: ImportJobSummary = {
  jobId: "job-1",
  kind: "agents",
  status: "running",
  total: 10,
  done: 4,
  failed: 0,
  by: "admin",
  sync: false,
  skipErrors: false,
  startedAt: "2026-01-01T00:00:00.000Z",
  finishedAt: null,
  cancelRequested: false,
  counts: { pending: 6, running: 0, done: 4, adopted: 0, unchanged: 0, failed: 0, skipped: 0 },
};

const progress = (changes: Partial<ImportJobProgress>): ImportJobProgress => ({
  jobId: "job-1",
  kind: "agents",
  status: "running",
  total: 10,
  done: 4,
  failed: 0,
  ...changes,
});

describe("applyImportProgress", () => {
  it("moves a running job's progress forward, never back", () => {
    const client = new QueryClient();
    client.setQueryData(importKeys.progress("job-1"), summary);
    applyImportProgress(client, progress({ done: 7, failed: 1 }));
    expect(client.getQueryData<ImportJobSummary>(importKeys.progress("job-1"))).toMatchObject({
      done: 7,
      failed: 1,
      status: "running",
    });
    applyImportProgress(client, progress({ done: 5 }));
    expect(client.getQueryData<ImportJobSummary>(importKeys.progress("job-1"))?.done).toBe(7);
  });

  it("reads the job again when it ends, and ignores jobs this tab does not show", () => {
    const client = new QueryClient();
    client.setQueryData(importKeys.progress("job-1"), summary);
    applyImportProgress(client, progress({ status: "done", done: 10 }));
    expect(client.getQueryState(importKeys.progress("job-1"))?.isInvalidated).toBe(true);
    applyImportProgress(client, progress({ jobId: "job-2", done: 1 }));
    expect(client.getQueryData(importKeys.progress("job-2"))).toBeUndefined();
  });
});
