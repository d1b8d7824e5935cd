// Every filter GET /api/audit offers, at 1,000,000 audit rows, on each registry dialect (BENCH_DIALECTS,
// default both): the p50 and p99 of the registry's query (registry/audit.ts: queryAudit, the function the
// route calls), 200 runs each after 20 to warm up. Aim (issue 11): p99 under 10 ms for every filter.
//
// The rows: 30 days of activity in time order, 2,000 agents (agent 10000 busy, agents 11990 to 11999
// quiet: 50 rows each), 10 queues, 50 actors (actor-49 rare), 8 actions (del_queue rare), outcomes
// mostly ok ("unknown" rare).
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { AuditQuery } from "@crystal-console/api";
import { queryAudit } from "../apps/server/src/registry/audit.ts";
import { analyze, openRegistry } from "../apps/server/src/registry/open.ts";
import type { AuditTable } from "../apps/server/src/registry/schema.ts";
import { benchDatabase, benchDialects, stopBenchPostgres } from "./processes.ts";
import { fmt, percentile } from "./stats.ts";

const ROWS = 1_000_000;
const BATCH = 1000;
const RUNS = 200;
const DAY = 86_400_000;
const START = Date.parse("2026-11-01T00:00:00Z");
const SPAN = 30 * DAY;
const ACTIONS = [
  "pause",
  "online",
  "mission",
  "login",
  "logoff",
  "assign_agent",
  "release_agent",
  "del_queue",
];

function row(i: number): Omit<AuditTable, "id"> {
  // A cheap deterministic spread: busy agent 10000 gets every 50th row, quiet agents 50 each.
  const agent = i % 50 === 0 ? 10_000 : i % 100_000 < 50 ? 11_990 + (i % 10) : 10_001 + (i % 1_989);
  const action = i % 10_000 === 7 ? "del_queue" : (ACTIONS[i % 7] ?? "pause");
  return {
    at: new Date(START + Math.floor((i / ROWS) * SPAN)).toISOString(),
    actor: i % 20_000 === 3 ? "actor-49" : `actor-${i % 49}`,
    action,
    agent_id: action === "del_queue" ? null : String(agent),
    queue_id: action.endsWith("_agent") || action === "del_queue" ? String(3000 + (i % 10)) : null,
    params: `{"agid":"${agent}"}`,
    pbx_code: 0,
    pbx_message: "OK",
    outcome: i % 5_000 === 11 ? "unknown" : i % 13 === 0 ? "converged" : "ok",
    detail: null,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();
const page = (query: Partial<AuditQuery>): AuditQuery => ({ limit: 100, ...query });

const filters: [string, AuditQuery][] = [
  ["newest page, no filter", page({})],
  ["agent (busy: 20,000 rows)", page({ agentId: "10000" })],
  ["agent (quiet: 50 rows)", page({ agentId: "11995" })],
  ["queue", page({ queueId: "3004" })],
  ["actor (rare)", page({ actor: "actor-49" })],
  ["action (rare)", page({ action: "del_queue" })],
  ["outcome (rare: unknown)", page({ outcome: "unknown" })],
  [
    "time range (one hour, 12 days ago)",
    page({ from: iso(START + 18 * DAY), to: iso(START + 18 * DAY + 3_600_000) }),
  ],
  [
    "agent + time range (one day)",
    page({ agentId: "10000", from: iso(START + 10 * DAY), to: iso(START + 11 * DAY) }),
  ],
  [
    "quiet agent + time range (a week)",
    page({ agentId: "11995", from: iso(START + 7 * DAY), to: iso(START + 14 * DAY) }),
  ],
  ["paging: the page before the middle row", page({ before: ROWS / 2 })],
  ["actor + action + outcome", page({ actor: "actor-3", action: "login", outcome: "ok" })],
  ["actor + action, no row matches", page({ actor: "actor-3", action: "pause" })],
];

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

async function runOn(dialect: "sqlite" | "postgres"): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "crystal-audit-bench-"));
  const { url } = await benchDatabase(dialect, dataDir);
  const db = await openRegistry(
    dialect === "sqlite" ? { dialect, file: url.slice("sqlite:".length) } : { dialect, url },
  );
  try {
    const filled = performance.now();
    for (let from = 0; from < ROWS; from += BATCH) {
      await db
        .insertInto("audit")
        .values(Array.from({ length: BATCH }, (_, k) => row(from + k)))
        .execute();
    }
    // What a running console has too: SQLite's planner statistics (open.ts, checkpoint.ts), PostgreSQL's
    // autovacuum analyze (run here at once rather than waited for).
    await analyze(db);
    console.log(
      `\n-- registry: ${dialect}: ${ROWS.toLocaleString("en")} audit rows in ${fmt((performance.now() - filled) / 1000, 1)} s --`,
    );
    console.log("  filter                                      rows   p50 ms   p99 ms  aim");
    for (const [name, query] of filters) {
      let found = 0;
      for (let i = 0; i < 20; i++) found = (await queryAudit(db, query)).entries.length;
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        await queryAudit(db, query);
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      const p99 = percentile(times, 99);
      console.log(
        `  ${name.padEnd(42)} ${String(found).padStart(5)}  ${fmt(percentile(times, 50)).padStart(7)}  ${fmt(p99).padStart(7)}  ${p99 < 10 ? "met" : "MISSED"} (< 10 ms p99)`,
      );
    }
  } finally {
    await db.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
