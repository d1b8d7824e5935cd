// WAL checkpoints off the request path. SQLite in WAL mode copies the log back into the database file
// every 1,000 pages by default, inside whichever commit crosses the mark, and that commit then waits for the
// copy and an fsync: a 3-4 ms stall every few hundred writes, which is the p99 of a state change. Here a
// worker thread with its own connection runs a PASSIVE checkpoint every second (it never blocks the
// console's writes), and the console's own automatic checkpoint only starts far later, as a fallback should
// the worker ever stop. See docs/performance.md.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

export const CHECKPOINT_INTERVAL_MS = 1000;
/** How often the worker refreshes the query planner's statistics (`pragma optimize`). */
export const OPTIMIZE_INTERVAL_MS = 10 * 60_000;
/** The console's own automatic checkpoint, in pages (~40 MB of log): only reached if the worker falls behind. */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 10_000;

// Plain CommonJS, so it runs the same under node, tsx and vitest.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.sqlite);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma("busy_timeout = 1000");
const checkpoint = () => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch {
    // busy or closing: the next round or the fallback catches up
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
// The planner's statistics (see analyze() in open.ts), kept current as the tables grow.
const optimize = setInterval(() => {
  try {
    db.pragma("optimize");
  } catch {
    // busy: the next round
  }
}, workerData.optimizeMs);
parentPort.once("message", () => {
  clearInterval(timer);
  clearInterval(optimize);
  db.close();
  parentPort.close();
});
`;

export function startCheckpointer(file: string): { stop: () => void } {
  const sqlite = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, sqlite, intervalMs: CHECKPOINT_INTERVAL_MS, optimizeMs: OPTIMIZE_INTERVAL_MS },
  });
  worker.unref();
  // A worker that fails leaves the fallback checkpoint in charge; it must never take the console down.
  worker.on("error", () => undefined);
  return { stop: () => worker.postMessage("stop") };
}
