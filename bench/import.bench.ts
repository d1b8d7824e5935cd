// CSV import at scale: 1,000 agents, each into 2 queues (the queues imported first), through the console's
// HTTP API against the simulator with 20 ms of latency per call, IMPORT_CONCURRENCY=4. Wall time beside
// the ideal (PBX calls x latency / concurrency), and the console's peak memory.
//
// The simulator runs in a child process, as a real PBX runs on its own machine: the wall time, CPU and
// memory figures are the console's (and the benchmark's fetches), not the simulator's.
//
// Agent passwords are hashed with SCRYPT_LOG_N=10 here, so the figure is the import machinery; the
// production cost (N=2^17) is measured separately on a sample and printed beside it, because at that cost
// hashing, not the PBX, is what an import of 1,000 new agents waits for.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { ImportJob } from "../packages/api/src/index.ts";
import { startConsole } from "../apps/server/src/index.ts";
import { hashPassword } from "../apps/server/src/auth/passwords.ts";
import type { SimCall } from "../packages/pbx-sim/src/index.ts";
import { defined } from "../apps/server/src/test-support.ts";
import { spawnSim, stopProcess } from "./processes.ts";
import { fmt } from "./stats.ts";

const AGENTS = 1000;
const QUEUES = 10;
const QUEUES_PER_AGENT = 2;
const LATENCY_MS = 20;
const CONCURRENCY = 4;
const PRODUCTION_LOG_N = 17;
const HASH_SAMPLE = 8;
const HASH_CORES = 2;
const ADMIN_PASSWORD = "bench-admin-password";

type Figures = { label: string; calls: number; wallMs: number; cpuMs: number };

export async function run(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "crystal-import-bench-"));
  // No state file: a real PBX's own storage is not the console's cost either.
  const sim = await spawnSim();
  const rssBefore = process.memoryUsage().rss;
  const console_ = await startConsole({
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    ADMIN_PASSWORD,
    LOG_LEVEL: "silent",
    SCRYPT_LOG_N: "10",
    DEMO: "false",
    PBX_URL: sim.url,
    PBX_SECURE: sim.secure,
    IMPORT_CONCURRENCY: String(CONCURRENCY),
  });

  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 100);

  try {
    const cookie = await signIn(console_.url);
    await sim.control("POST", "latency", { fixedMs: LATENCY_MS });
    const api = (method: string, path: string, body?: string) =>
      fetch(`${console_.url}${path}`, {
        method,
        headers: {
          cookie,
          "X-Requested-With": "crystal-console",
          ...(body === undefined ? {} : { "Content-Type": "text/csv" }),
        },
        ...(body === undefined ? {} : { body }),
      });

    async function importFile(kind: "agents" | "queues", csv: string): Promise<Figures & { job: ImportJob }> {
      await sim.control("DELETE", "calls");
      const finished = new Promise<void>((resolve) => {
        const unsubscribe = console_.deps.bus.subscribe(({ event }) => {
          if (event.type !== "import" || event.job.status === "running") return;
          unsubscribe();
          resolve();
        });
      });
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      const reply = await api("POST", `/api/import/${kind}`, csv);
      if (reply.status !== 202) throw new Error(`import ${kind}: HTTP ${reply.status} ${await reply.text()}`);
      const { jobId } = (await reply.json()) as { jobId: string };
      // Follow the job as the dashboard does, by its import events (GET /api/import/jobs/:jobId once at the end).
      await finished;
      const wallMs = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      const { job } = (await (await api("GET", `/api/import/jobs/${jobId}`)).json()) as { job: ImportJob };
      if (job.status !== "done" || job.failed > 0) throw new Error(`import ${kind} ended ${job.status}`);
      const { calls: log } = (await sim.control("GET", "calls")) as { calls: SimCall[] };
      const calls = log.filter((call) => call.endpoint === "management").length;
      return { label: `${kind} (${job.total} rows)`, calls, wallMs, cpuMs, job };
    }

    const queueIds = Array.from({ length: QUEUES }, (_, i) => String(3000 + i));
    const queuesCsv = ["queue_id,queue_name", ...queueIds.map((id) => `${id},Queue ${id}`)].join("\r\n");
    const agentsCsv = [
      "agent_id,agent_name,agent_pass,agent_out_q,queues",
      ...Array.from({ length: AGENTS }, (_, i) => {
        const id = String(10_000 + i);
        const mine = Array.from({ length: QUEUES_PER_AGENT }, (_, k) =>
          defined(queueIds[(i + k) % QUEUES], "a queue id"),
        );
        return `${id},Agent ${id},pw${id},${mine[0]},${mine.join(";")}`;
      }),
    ].join("\r\n");

    const planStarted = performance.now();
    const plan = await api("POST", "/api/import/agents?dryRun=true", agentsCsv);
    if (plan.status !== 200) throw new Error(`dry run: HTTP ${plan.status}`);
    await plan.arrayBuffer();
    const planMs = performance.now() - planStarted;

    const queues = await importFile("queues", queuesCsv);
    const rssAtStart = process.memoryUsage.rss();
    peakRss = rssAtStart;
    const agents = await importFile("agents", agentsCsv);
    const peakDuringAgents = peakRss;
    clearInterval(sampler);

    const sampleMs = await measureProductionHashing();
    const perHashMs = sampleMs / HASH_SAMPLE;
    const thousandMs = (AGENTS * perHashMs * HASH_CORES) / Math.min(HASH_CORES, availableParallelism());

    console.log(
      `${AGENTS} agents x ${QUEUES_PER_AGENT} queues, queues imported first; simulator latency ${LATENCY_MS} ms per call, IMPORT_CONCURRENCY=${CONCURRENCY}, SCRYPT_LOG_N=10, ${availableParallelism()} cores`,
    );
    const header = ["import", "PBX calls", "wall s", "ideal s", "wall/ideal", "", "CPU ms/call"];
    const rows = [queues, agents].map(({ label, calls, wallMs, cpuMs }) => {
      const idealMs = (calls * LATENCY_MS) / CONCURRENCY;
      const ratio = wallMs / idealMs;
      return [
        label,
        String(calls),
        fmt(wallMs / 1000),
        fmt(idealMs / 1000),
        fmt(ratio, 3),
        label.startsWith("queues") ? "(setup)" : ratio <= 1.2 ? "within 1.2x" : "OUTSIDE 1.2x",
        fmt(cpuMs / calls),
      ];
    });
    const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => (row[i] ?? "").length)));
    for (const row of [header, ...rows])
      console.log(row.map((cell, i) => cell.padStart(widths[i] ?? 0)).join("  "));
    console.log(
      `CPU ms/call: the console process's CPU (main thread and hashing threads) per PBX call; load average ${loadavg()
        .map((n) => fmt(n))
        .join(
          " ",
        )} on ${availableParallelism()} cores${cpuPressure()} (other processes' load inflates the wall time)`,
    );
    console.log(`dry run of the ${AGENTS}-row agents file (all new): ${fmt(planMs, 0)} ms`);
    console.log(
      `console peak RSS during the agents import: ${mb(peakDuringAgents)} MB (at its start ${mb(rssAtStart)} MB; before the console started ${mb(rssBefore)} MB; the benchmark runs in the same process)`,
    );
    console.log(
      `production hashing, measured apart: scrypt N=2^${PRODUCTION_LOG_N} takes ${fmt(perHashMs * HASH_CORES, 0)} ms per hash (${HASH_SAMPLE} hashed ${HASH_CORES} at a time in ${fmt(sampleMs / 1000)} s), so ${AGENTS} passwords on ${HASH_CORES} cores take ~${fmt(thousandMs / 1000, 0)} s.\n` +
        `  At that cost a real ${AGENTS}-agent import takes ~max(${fmt(thousandMs / 1000, 0)} s hashing, ${fmt(agents.wallMs / 1000)} s above): hashing runs a few rows ahead of the PBX calls and overlaps them (peak ${HASH_CORES} x 128 MB for scrypt).`,
    );
  } finally {
    clearInterval(sampler);
    await console_.close();
    await stopProcess(sim.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function signIn(url: string): Promise<string> {
  const response = await fetch(`${url}/api/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Requested-With": "crystal-console" },
    body: JSON.stringify({ username: "admin", password: ADMIN_PASSWORD }),
  });
  const cookie = response.headers.get("set-cookie")?.split(";")[0];
  if (response.status !== 200 || !cookie) throw new Error(`sign-in: HTTP ${response.status}`);
  return cookie;
}

/** Wall time to hash HASH_SAMPLE passwords at the production cost, HASH_CORES at a time. */
async function measureProductionHashing(): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < HASH_SAMPLE; i += HASH_CORES) {
    await Promise.all(
      Array.from({ length: HASH_CORES }, (_, k) => hashPassword(`password-${i + k}`, PRODUCTION_LOG_N)),
    );
  }
  return performance.now() - started;
}

/** Linux's CPU pressure over the last minute: the share of time something waited for a CPU. */
function cpuPressure(): string {
  const file = "/proc/pressure/cpu";
  if (!existsSync(file)) return "";
  const avg60 = /some avg10=[\d.]+ avg60=([\d.]+)/.exec(readFileSync(file, "utf8"))?.[1];
  return avg60 === undefined ? "" : `, CPU pressure ${avg60}% (avg60)`;
}

function mb(bytes: number): string {
  return fmt(bytes / 1024 / 1024, 0);
}
