// Retention of the state history (HISTORY_RETENTION_DAYS): off the request path, every so often, intervals
// that ended before the retention limit are deleted in small batches, with a pause between batches so that
// requests' own transactions get the registry in between. Any instance may prune; two at once only share the
// work.
import type { Logger } from "pino";
import type { Registry } from "./registry/open.ts";
import { pruneCutoff, pruneHistoryBatch } from "./registry/history.ts";
import { keepFrom, pruneRollupsBatch } from "./registry/rollups.ts";

const DAY_MS = 86_400_000;

export type PrunerOptions = {
  retentionDays: number;
  /** How often a pruning round starts (the first starts after `firstAfterMs`). */
  intervalMs?: number;
  firstAfterMs?: number;
  batchSize?: number;
  /** The pause between two batches of one round. */
  pauseMs?: number;
  log: Pick<Logger, "info" | "warn">;
};

export type HistoryPruner = {
  /** One round: deletes batches until none is left; returns how many intervals it deleted. */
  prune(now?: number): Promise<number>;
  stop(): Promise<void>;
};

export function startHistoryPruner(db: Registry, options: PrunerOptions): HistoryPruner {
  const {
    retentionDays,
    intervalMs = 3_600_000,
    firstAfterMs = 60_000,
    batchSize = 50,
    pauseMs = 20,
  } = options;
  let stopped = false;
  let running: Promise<number> | null = null;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** Runs `batch` until it deletes fewer than a batch; returns how many it deleted. */
  async function batches(batch: () => Promise<number>): Promise<number> {
    let deleted = 0;
    for (;;) {
      if (stopped) return deleted;
      const count = await batch();
      deleted += count;
      if (count < batchSize) return deleted;
      await sleep(pauseMs);
    }
  }

  // Whole days of the rollups' zone: the intervals first, then those days' rollups (decision 027). Reports
  // stop reading the rollups of those days before any is deleted (decision 033).
  async function round(now: number): Promise<number> {
    const cutoff = await pruneCutoff(db, now - retentionDays * DAY_MS);
    const { date } = cutoff;
    if (date !== null) await keepFrom(db, date);
    const deleted = await batches(() => pruneHistoryBatch(db, cutoff, batchSize));
    if (date !== null) await batches(() => pruneRollupsBatch(db, date, batchSize));
    return deleted;
  }

  function prune(now = Date.now()): Promise<number> {
    running ??= round(now).finally(() => {
      running = null;
    });
    return running;
  }

  const tick = () => {
    prune().then(
      (deleted) => {
        if (deleted > 0) options.log.info({ deleted, retentionDays }, "pruned state history");
      },
      (error: unknown) => options.log.warn({ err: String(error) }, "could not prune state history"),
    );
  };
  const first = setTimeout(tick, firstAfterMs);
  const every = setInterval(tick, intervalMs);
  first.unref();
  every.unref();
  return {
    prune,
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(every);
      await running?.catch(() => undefined);
    },
  };
}
