// State history (issue 12), on each registry dialect (BENCH_DIALECTS, default both):
//   1. the 31-day agent-time report (reports/agent-time.ts: agentTimeReport, what the route calls) over
//      2,000 agents with 50 state changes per agent per day: 3,100,000 intervals. Aim: under 1 s.
//   2. what pruning does to concurrent requests: the p99 of a mix of registry requests (an agent's day of
//      history, and a one-row write transaction), 8 at a time, first alone, then while the pruner deletes
//      every interval in batches (all of them are past retention by then: 3.1 million rows, more than a
//      year of history for 170 agents). Aim: p99 under 2x the p99 alone.
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { startHistoryPruner } from "../apps/server/src/history-pruner.ts";
import { insertAudit } from "../apps/server/src/registry/audit.ts";
import { agentHistory } from "../apps/server/src/registry/history.ts";
import { analyze, openRegistry, type Registry } from "../apps/server/src/registry/open.ts";
import { ensureRollups } from "../apps/server/src/registry/rollups.ts";
import type { StateHistoryTable } from "../apps/server/src/registry/schema.ts";
import { agentTimeReport } from "../apps/server/src/reports/agent-time.ts";
import { benchDatabase, benchDialects, stopBenchPostgres } from "./processes.ts";
import { fmt, measure, percentile } from "./stats.ts";

// HISTORY_BENCH_AGENTS and HISTORY_BENCH_DAYS make a smaller trial run (the figures: 2,000 and 31).
const AGENTS = Number(process.env.HISTORY_BENCH_AGENTS ?? 2000);
const DAYS = Number(process.env.HISTORY_BENCH_DAYS ?? 31);
const CHANGES_PER_DAY = 50;
const DAY = 86_400_000;
const START = Date.parse("2026-10-01T00:00:00Z");
const STEP = DAY / CHANGES_PER_DAY;
const BATCH = 1000;
const REPORT_RUNS = 5;
const STATUSES = ["online", "paused", "online", "mission", "online", "paused"] as const;

function interval(agent: number, index: number): Omit<StateHistoryTable, "id"> {
  const status =
    index % CHANGES_PER_DAY === 0 ? "logged_off" : (STATUSES[index % STATUSES.length] ?? "online");
  const startedAt = START + index * STEP + (agent % 60) * 1000;
  const last = index === DAYS * CHANGES_PER_DAY - 1;
  return {
    agent_id: String(10_000 + agent),
    status,
    extension: status === "logged_off" ? null : String(100 + (agent % 500)),
    reason: status === "paused" ? (index % 4 === 1 ? "Lunch" : "Break") : null,
    started_at: startedAt,
    ended_at: last ? null : startedAt + STEP,
    confirmed: index % 97 === 0 ? 0 : 1,
    by_actor: "bench",
    cause: "person",
    start_late: 0,
    end_late: 0,
    starts_state: 1,
    prev_status: index === 0 ? null : "online",
  };
}

export async function run(): Promise<void> {
  console.log(
    `load average ${loadavg()
      .map((n) => fmt(n))
      .join(" ")} on ${availableParallelism()} cores; Node ${process.version}`,
  );
  try {
    for (const dialect of benchDialects()) await runOn(dialect);
  } finally {
    await stopBenchPostgres();
  }
}

async function fill(db: Registry): Promise<number> {
  await db
    .insertInto("agents")
    .values(
      Array.from({ length: AGENTS }, (_, agent) => ({
        id: String(10_000 + agent),
        name: `Agent ${agent}`,
        out_queue_id: "2000",
        password_hash: null,
        active: 1,
        status: "logged_off" as const,
        extension: null,
        status_since: new Date(START).toISOString(),
        status_by: "bench",
        pause_reason: null,
        confirmed: 1,
      })),
    )
    .execute();
  let rows: Omit<StateHistoryTable, "id">[] = [];
  let total = 0;
  // Day by day, every agent's changes of that day: the order a running console writes them in.
  for (let index = 0; index < DAYS * CHANGES_PER_DAY; index++) {
    for (let agent = 0; agent < AGENTS; agent++) {
      rows.push(interval(agent, index));
      if (rows.length === BATCH) {
        await db.insertInto("state_history").values(rows).execute();
        total += rows.length;
        rows = [];
      }
    }
  }
  if (rows.length > 0) await db.insertInto("state_history").values(rows).execute();
  return total + rows.length;
}

async function runOn(dialect: "sqlite" | "postgres"): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "crystal-history-bench-"));
  const { url } = await benchDatabase(dialect, dataDir);
  const db = await openRegistry(
    dialect === "sqlite" ? { dialect, file: url.slice("sqlite:".length) } : { dialect, url },
  );
  try {
    const filling = performance.now();
    const count = await fill(db);
    await analyze(db);
    console.log(
      `\n-- registry: ${dialect}: ${count.toLocaleString("en")} intervals in ${fmt((performance.now() - filling) / 1000, 1)} s --`,
    );

    // The history was written straight into its table: its rollups (days, months, agents' days) are built
    // the way a console builds them at start for history it finds without them (or cut in another TIME_ZONE).
    const rolling = performance.now();
    await ensureRollups(db, "UTC");
    await analyze(db);
    console.log(`  rollups built at start in ${fmt((performance.now() - rolling) / 1000, 1)} s`);
    const settings = { timeZone: "UTC", retentionDays: 400 };
    const query = { from: "2026-10-01", to: new Date(START + (DAYS - 1) * DAY).toISOString().slice(0, 10) };
    const now = START + DAYS * DAY;
    const times: number[] = [];
    let agents = 0;
    for (let i = 0; i < REPORT_RUNS + 1; i++) {
      const t0 = performance.now();
      agents = (await agentTimeReport(db, settings, query, now)).agents.length;
      if (i > 0) times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const worst = times.at(-1) ?? Number.NaN;
    console.log(
      `  ${DAYS}-day report, ${agents} agents: p50 ${fmt(percentile(times, 50))} ms, worst of ${REPORT_RUNS} ${fmt(worst)} ms  ${worst < 1000 ? "met" : "MISSED"} (< 1 s)`,
    );

    const request = async (i: number) => {
      // A request arrives on the event loop's next turn, as one from the network does: better-sqlite3
      // answers synchronously, and without this the eight loops never let the pruner's timer run.
      await new Promise((resolve) => setImmediate(resolve));
      if (i % 2 === 0) {
        const day = START + (i % DAYS) * DAY;
        await agentHistory(db, String(10_000 + (i % AGENTS)), day, day + DAY);
      } else {
        await db.transaction().execute((tx) =>
          insertAudit(tx, {
            at: new Date().toISOString(),
            actor: "bench",
            action: "pause",
            agent_id: String(10_000 + (i % AGENTS)),
            queue_id: null,
            params: "{}",
            pbx_code: 0,
            pbx_message: "OK",
            outcome: "ok",
            detail: null,
          }),
        );
      }
    };
    const alone = await measure(4000, 8, request);
    const pruner = startHistoryPruner(db, {
      retentionDays: 1,
      firstAfterMs: 3_600_000,
      log: { info: () => undefined, warn: () => undefined },
    });
    const pruning = pruner.prune(now + 10 * 365 * DAY);
    const started = performance.now();
    const during = await measure(4000, 8, request);
    // The measured requests ran while the pruner deleted; it stops after its current batch.
    await pruner.stop();
    const deleted = await pruning;
    const pruneMs = performance.now() - started;
    const ratio = during.p99 / alone.p99;
    console.log(
      `  requests alone: p50 ${fmt(alone.p50)} ms, p99 ${fmt(alone.p99)} ms; while pruning: p50 ${fmt(during.p50)} ms, p99 ${fmt(during.p99)} ms (${fmt(ratio)}x)  ${ratio < 2 ? "met" : "MISSED"} (< 2x)`,
    );
    console.log(
      `  meanwhile the pruner deleted ${deleted.toLocaleString("en")} intervals in ${fmt(pruneMs / 1000, 1)} s (batches of 50, 20 ms apart)`,
    );
  } finally {
    await db.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
