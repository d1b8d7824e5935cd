// The console under load (issue 6, "Load"), with the console in its OWN process, as `pnpm start` runs it,
// so the load generator never shares its event loop. Three processes on loopback:
//   - the PBX simulator (its CLI), as a real PBX runs on its own machine;
//   - the console (`node --import tsx apps/server/src/main.ts`) in remote mode against it;
//   - this process: setup, autocannon, the SSE clients, and the clocks.
// Setup: 10 queues and 2,000 agents through the bulk import API, 500 of them logged in through the API.
// Then, each with the console's CPU and peak memory (VmHWM, reset before each phase):
//   d. overhead: the same PBX command (pause) through the console and straight to the PBX, alternating call
//      by call after a warm-up, percentiles over all calls (the method is in overhead.ts);
//   a. GET /api/agents (2,000 agents) under autocannon, plain and with Accept-Encoding: gzip;
//   b. state changes (pause/online over the 500 logged-in agents) under autocannon;
//   c. 500 SSE clients on /api/events while 50 state changes per second are made for 10 s: the delay from
//      sending each change to its event arriving at each client, p50/p99 over all deliveries.
// Every loop is bounded in count and time; everything is stopped at the end.
//
// LOAD_CPU_PROF=<dir> starts the console with `--cpu-prof --cpu-prof-dir <dir>` (written when it exits);
// LOAD_ONLY=a,c runs only those phases (setup always runs).
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type IncomingMessage, Agent as HttpAgent, request as httpRequest } from "node:http";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createPbxClient } from "@crystal-console/crystal";
import autocannon from "autocannon";
import { Pool } from "undici";
import { ROOT, type SpawnedSim, killOnExit, spawnSim, stopProcess, waitForLine } from "./processes.ts";
import { measureOverhead } from "./overhead.ts";
import { fmt, measure, percentile } from "./stats.ts";

const AGENTS = 2000;
const QUEUES = 10;
const LOGGED_IN = 500;
const FIRST_AGENT = 10_000;
const SSE_CLIENTS = 500;
const SSE_SESSIONS = 10;
const CHANGES_PER_SECOND = 50;
const CHANGE_SECONDS = 10;
const ADMIN_PASSWORD = "bench-admin-password";
const MAIN = join(ROOT, "apps/server/src/main.ts");
const CSRF = { "x-requested-with": "crystal-console" };
const ONLY = new Set((process.env.LOAD_ONLY ?? "a,b,c,d").split(",").map((phase) => phase.trim()));

type Row = {
  phase: string;
  rps: string;
  p50: string;
  p99: string;
  errors: string;
  cpu: string;
  mem: string;
  aim: string;
};

export async function run(): Promise<void> {
  const started = performance.now();
  console.log(
    `load average ${loadavg()
      .map((n) => fmt(n))
      .join(" ")} on ${availableParallelism()} cores${cpuPressure()}; Node ${process.version}`,
  );
  const dataDir = mkdtempSync(join(tmpdir(), "crystal-load-bench-"));
  const processes: ChildProcess[] = [];
  const pools: Pool[] = [];
  try {
    const sim = await spawnSim();
    processes.push(sim.child);
    const app = await spawnConsole(processes, dataDir, sim);
    const watch = new ProcessWatch(app.pid);
    const admin = await signIn(app.url);
    const writes = new Pool(app.url, { connections: 16, pipelining: 1 });
    pools.push(writes);
    const send = async (method: "GET" | "POST", path: string, body?: string, type = "application/json") => {
      const response = await writes.request({
        method,
        path,
        headers: { cookie: admin, ...CSRF, ...(body === undefined ? {} : { "content-type": type }) },
        ...(body === undefined ? {} : { body }),
      });
      const text = await response.body.text();
      if (response.statusCode >= 300)
        throw new Error(`${method} ${path}: HTTP ${response.statusCode} ${text}`);
      return text;
    };

    // ------------------------------------------------------------ setup
    const setupStarted = performance.now();
    const queueIds = Array.from({ length: QUEUES }, (_, i) => String(3000 + i));
    await importAndWait(send, "queues", [
      "queue_id,queue_name",
      ...queueIds.map((id) => `${id},Queue ${id}`),
    ]);
    await importAndWait(send, "agents", [
      "agent_id,agent_name,agent_pass,agent_out_q,queues",
      ...Array.from({ length: AGENTS }, (_, i) => {
        const queue = queueIds[i % QUEUES]!;
        return `${FIRST_AGENT + i},Agent ${FIRST_AGENT + i},pw${i},${queue},${queue}`;
      }),
    ]);
    const agentId = (i: number) => String(FIRST_AGENT + (i % LOGGED_IN));
    await measure(LOGGED_IN, 8, (i) =>
      send(
        "POST",
        `/api/agents/${agentId(i)}/state`,
        JSON.stringify({ action: "login", extension: String(100 + i) }),
      ),
    );
    const listed = JSON.parse(
      await (await fetch(`${app.url}/api/agents`, { headers: { cookie: admin } })).text(),
    ) as {
      agents: unknown[];
    };
    if (listed.agents.length !== AGENTS)
      throw new Error(`expected ${AGENTS} agents, found ${listed.agents.length}`);
    console.log(
      `setup: ${QUEUES} queues and ${AGENTS} agents through the import API, ${LOGGED_IN} logged in through the API, in ${fmt((performance.now() - setupStarted) / 1000, 1)} s; console RSS ${watch.rssMb()} MB`,
    );
    const rows: Row[] = [];

    // ------------------------------------------------------------ d. overhead over a direct PBX call
    if (ONLY.has("d")) {
      const direct = createPbxClient({ baseUrl: sim.url, secure: sim.secure });
      const overheadPool = new Pool(app.url, { connections: 1, pipelining: 1 });
      pools.push(overheadPool);
      const body = JSON.stringify({ action: "pause", reason: "Break" });
      const viaConsole = async () => {
        const response = await overheadPool.request({
          method: "POST",
          path: `/api/agents/${FIRST_AGENT}/state`,
          headers: { cookie: admin, ...CSRF, "content-type": "application/json" },
          body,
        });
        await response.body.text();
        if (response.statusCode !== 200)
          throw new Error(`pause via the console: HTTP ${response.statusCode}`);
      };
      const viaPbx = async () => {
        const outcome = await direct.pause({ agentId: String(FIRST_AGENT) });
        if (outcome.kind !== "ok") throw new Error(`direct pause answered ${outcome.kind}`);
      };
      watch.reset();
      const o = await measureOverhead(viaPbx, viaConsole);
      await direct.close();
      const usage = watch.read();
      const rounds = o.roundP99.console.length;
      console.log(
        `\nd. PBX-backed request (pause), one at a time, direct and console alternating call by call after a warm-up; ${rounds} rounds, ${o.samples} calls of each (method: bench/overhead.ts):`,
      );
      console.log("                       p50 ms   p99 ms");
      console.log(
        `  direct PBX call      ${fmt(o.direct.p50).padStart(7)}  ${fmt(o.direct.p99).padStart(7)}`,
      );
      console.log(
        `  through the console  ${fmt(o.console.p50).padStart(7)}  ${fmt(o.console.p99).padStart(7)}`,
      );
      console.log(
        `  console overhead     ${fmt(o.overhead.p50).padStart(7)}  ${fmt(o.overhead.p99).padStart(7)}`,
      );
      console.log(`  ratio console/direct ${fmt(o.ratio.p50).padStart(7)}  ${fmt(o.ratio.p99).padStart(7)}`);
      console.log(
        `  each round's p99: console ${o.roundP99.console.map((ms) => fmt(ms)).join(" ")}; direct ${o.roundP99.direct.map((ms) => fmt(ms)).join(" ")}`,
      );
      console.log(
        `  per-pair difference (console call − the direct call beside it): p50 ${fmt(o.pairedDifference.p50)} ms, p99 ${fmt(o.pairedDifference.p99)} ms; console CPU ${usage.cpu} (load generator ${usage.generatorCpu})`,
      );
      rows.push({
        phase: "d. overhead, console - direct",
        rps: fmt(o.consolePerSecond, 0),
        p50: fmt(o.overhead.p50),
        p99: fmt(o.overhead.p99),
        errors: "0",
        cpu: usage.cpu,
        mem: usage.peakMb,
        aim: o.overhead.p99 < 2 ? "met (< 2 ms p99)" : "MISSED (< 2 ms p99)",
      });
    }

    // ------------------------------------------------------------ a. GET /api/agents
    for (const gzip of ONLY.has("a") ? [false, true] : []) {
      watch.reset();
      const result = await autocannon({
        url: `${app.url}/api/agents`,
        connections: 20,
        duration: 10,
        headers: { cookie: admin, ...(gzip ? { "accept-encoding": "gzip" } : {}) },
      });
      const usage = watch.read();
      const errors = result.errors + result.timeouts + result.non2xx;
      const rps = result.requests.average;
      console.log(
        `\na. GET /api/agents with ${AGENTS} agents${gzip ? ", Accept-Encoding: gzip" : ""} (autocannon, 20 connections, 10 s):\n` +
          `  ${fmt(rps, 0)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${fmt(result.throughput.average / 1e6, 1)} MB/s, ` +
          `${fmt(result.throughput.total / result.requests.total / 1024, 1)} KB per response, non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}; console CPU ${usage.cpu} (load generator ${usage.generatorCpu}), peak RSS ${usage.peakMb} MB`,
      );
      rows.push({
        phase: `a. GET /api/agents${gzip ? " (gzip)" : ""}`,
        rps: fmt(rps, 0),
        p50: String(result.latency.p50),
        p99: String(result.latency.p99),
        errors: String(errors),
        cpu: usage.cpu,
        mem: usage.peakMb,
        aim: rps > 2000 && errors === 0 ? "met (> 2,000 req/s)" : "MISSED (> 2,000 req/s)",
      });
    }

    // ------------------------------------------------------------ b. state changes under load
    if (ONLY.has("b")) {
      let next = 0;
      const actions = ["pause", "online"].map((action) => JSON.stringify({ action }));
      watch.reset();
      const result = await autocannon({
        url: app.url,
        connections: 16,
        duration: 8,
        requests: [
          {
            method: "POST",
            headers: { cookie: admin, ...CSRF, "content-type": "application/json" },
            setupRequest: (request) => {
              const i = next++;
              return {
                ...request,
                path: `/api/agents/${agentId(i)}/state`,
                body: actions[Math.floor(i / LOGGED_IN) % 2]!,
              };
            },
          },
        ],
      });
      const usage = watch.read();
      const errors = result.errors + result.timeouts + result.non2xx;
      console.log(
        `\nb. state changes (pause/online cycling over ${LOGGED_IN} logged-in agents; autocannon, 16 connections, 8 s):\n` +
          `  ${fmt(result.requests.average, 0)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${result.requests.total} changes, non-2xx ${result.non2xx}, errors ${result.errors}; console CPU ${usage.cpu} (load generator ${usage.generatorCpu}), peak RSS ${usage.peakMb} MB`,
      );
      rows.push({
        phase: "b. state changes via the console",
        rps: fmt(result.requests.average, 0),
        p50: String(result.latency.p50),
        p99: String(result.latency.p99),
        errors: String(errors),
        cpu: usage.cpu,
        mem: usage.peakMb,
        aim: errors === 0 ? "met (no errors)" : "MISSED (no errors)",
      });
    }

    // ------------------------------------------------------------ c. 500 SSE clients, 50 changes/s
    if (ONLY.has("c")) {
      const cookies = [admin];
      while (cookies.length < SSE_SESSIONS) cookies.push(await signIn(app.url));
      const total = CHANGES_PER_SECOND * CHANGE_SECONDS;
      if (total > LOGGED_IN)
        throw new Error("each agent is changed at most once per run, to match its event");
      const sentAt = new Float64Array(LOGGED_IN).fill(Number.NaN);
      const delays = new Float64Array(total * SSE_CLIENTS);
      let deliveries = 0;
      let streamErrors = 0;
      const firstArrival = new Float64Array(LOGGED_IN).fill(Number.NaN);
      const spread: number[] = [];
      const agent = new HttpAgent({ keepAlive: false, maxSockets: Infinity });
      watch.reset();
      const clients = await openSseClients(
        app.url,
        cookies,
        agent,
        (client, id) => {
          const index = Number(id) - FIRST_AGENT;
          const at = performance.now();
          if (!(index >= 0 && index < LOGGED_IN) || Number.isNaN(sentAt[index]!)) return;
          if (client.seen[index]) return;
          client.seen[index] = 1;
          delays[deliveries++] = at - sentAt[index]!;
          if (Number.isNaN(firstArrival[index]!)) firstArrival[index] = at;
          else spread.push(at - firstArrival[index]!);
        },
        () => (streamErrors += 1),
      );
      const connectedRss = watch.rssMb();

      // 50 changes per second, each a different agent, on a fixed schedule (not waiting for answers).
      let writeErrors = 0;
      const writeLatencies: number[] = [];
      const inFlight: Promise<void>[] = [];
      const changesStarted = performance.now();
      for (let k = 0; k < total; k++) {
        const due = changesStarted + (k * 1000) / CHANGES_PER_SECOND;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        sentAt[k] = performance.now();
        const t0 = sentAt[k]!;
        inFlight.push(
          send("POST", `/api/agents/${agentId(k)}/state`, bodies(k))
            .then(() => void writeLatencies.push(performance.now() - t0))
            .catch(() => void (writeErrors += 1)),
        );
      }
      await Promise.all(inFlight);
      // Let the last events reach every client (bounded).
      const expected = total * SSE_CLIENTS;
      const drainUntil = performance.now() + 5000;
      while (deliveries < expected && performance.now() < drainUntil)
        await new Promise((r) => setTimeout(r, 20));
      const changeSeconds = (performance.now() - changesStarted) / 1000;
      const usage = watch.read();
      for (const client of clients) client.close();
      agent.destroy();

      const sorted = Array.from(delays.subarray(0, deliveries)).sort((a, b) => a - b);
      spread.sort((a, b) => a - b);
      writeLatencies.sort((a, b) => a - b);
      const missing = expected - deliveries;
      const errors = missing + writeErrors + streamErrors;
      const p99 = percentile(sorted, 99);
      console.log(
        `\nc. ${SSE_CLIENTS} SSE clients (${SSE_SESSIONS} sessions) while ${CHANGES_PER_SECOND} state changes/s are made for ${CHANGE_SECONDS} s:\n` +
          `  ${deliveries} of ${expected} deliveries; delay from sending the change to its event at a client: p50 ${fmt(percentile(sorted, 50))} ms, p99 ${fmt(p99)} ms, max ${fmt(sorted.at(-1) ?? Number.NaN)} ms\n` +
          `  fan-out (first client to each later client): p50 ${fmt(percentile(spread, 50))} ms, p99 ${fmt(percentile(spread, 99))} ms; the writes themselves: p50 ${fmt(percentile(writeLatencies, 50))} ms, p99 ${fmt(percentile(writeLatencies, 99))} ms\n` +
          `  write errors ${writeErrors}, stream errors ${streamErrors}, missing deliveries ${missing}; ${fmt(total / changeSeconds, 1)} changes/s achieved; console CPU ${usage.cpu} (SSE clients and writer ${usage.generatorCpu}), RSS with ${SSE_CLIENTS} streams open ${connectedRss} MB, peak ${usage.peakMb} MB`,
      );
      rows.push({
        phase: `c. event delivery, ${SSE_CLIENTS} SSE clients`,
        rps: `${fmt(deliveries / changeSeconds, 0)} ev/s`,
        p50: fmt(percentile(sorted, 50)),
        p99: fmt(p99),
        errors: String(errors),
        cpu: usage.cpu,
        mem: usage.peakMb,
        aim: p99 < 100 && errors === 0 ? "met (< 100 ms p99)" : "MISSED (< 100 ms p99)",
      });
    }

    // ------------------------------------------------------------ summary
    console.log(
      `\nsummary (console in its own process; CPU = share of one core during the phase; mem = peak RSS, MB):`,
    );
    const header: Row = {
      phase: "phase",
      rps: "req/s",
      p50: "p50 ms",
      p99: "p99 ms",
      errors: "errors",
      cpu: "CPU",
      mem: "mem",
      aim: "aim",
    };
    const table = [header, ...rows].map((row) => Object.values(row));
    const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
    for (const row of table)
      console.log(
        "  " +
          row
            .map((cell, i) => (i === 0 || i === 7 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
            .join("  "),
      );
    console.log(
      `console peak RSS over the whole run (VmHWM is reset per phase): ${watch.rssMb()} MB now; total bench time ${fmt((performance.now() - started) / 1000, 0)} s; load average ${loadavg()
        .map((n) => fmt(n))
        .join(" ")}${cpuPressure()}`,
    );
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
    await Promise.all(processes.map(stopProcess));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- helpers

/** Phase c's change k: mission on the first pass over the agents, online on the next. */
const bodies = (k: number) =>
  JSON.stringify({ action: Math.floor(k / LOGGED_IN) % 2 === 0 ? "mission" : "online" });

type Send = (method: "GET" | "POST", path: string, body?: string, type?: string) => Promise<string>;

/** Runs a CSV import through the API and waits for its job (bounded). */
async function importAndWait(send: Send, kind: "agents" | "queues", lines: string[]): Promise<void> {
  const { jobId } = JSON.parse(await send("POST", `/api/import/${kind}`, lines.join("\r\n"), "text/csv")) as {
    jobId: string;
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { job } = JSON.parse(await send("GET", `/api/import/jobs/${jobId}`)) as {
      job: { status: string; failed: number; done: number; total: number };
    };
    if (job.status !== "running") {
      if (job.status !== "done" || job.failed > 0)
        throw new Error(`import ${kind}: ${job.status}, ${job.failed} failed`);
      return;
    }
    if (Date.now() > deadline)
      throw new Error(`import ${kind}: still running after 120 s (${job.done}/${job.total})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

type SseClient = { seen: Uint8Array; close: () => void };

/** Opens SSE_CLIENTS streams, a few at a time, and resolves once each has received its `: connected`. */
async function openSseClients(
  url: string,
  cookies: string[],
  agent: HttpAgent,
  onAgentEvent: (client: SseClient, agentId: string) => void,
  onError: () => void,
): Promise<SseClient[]> {
  const { hostname, port } = new URL(url);
  const open = (n: number) =>
    new Promise<SseClient>((resolve, reject) => {
      const client: SseClient = { seen: new Uint8Array(LOGGED_IN), close: () => req.destroy() };
      let connected = false;
      let closing = false;
      const req = httpRequest(
        {
          hostname,
          port,
          path: "/api/events",
          agent,
          headers: { cookie: cookies[n % cookies.length]!, accept: "text/event-stream" },
        },
        (res: IncomingMessage) => {
          if (res.statusCode !== 200) return reject(new Error(`SSE client ${n}: HTTP ${res.statusCode}`));
          res.setEncoding("utf8");
          let buffer = "";
          res.on("data", (chunk: string) => {
            buffer += chunk;
            let end: number;
            while ((end = buffer.indexOf("\n\n")) !== -1) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              if (!connected && block.startsWith(": connected")) {
                connected = true;
                resolve(client);
                continue;
              }
              if (!block.startsWith("event: agent\n")) continue;
              const from = block.indexOf("data: ") + 6;
              const to = block.indexOf("\n", from);
              try {
                const event = JSON.parse(block.slice(from, to === -1 ? undefined : to)) as {
                  agent: { id: string };
                };
                onAgentEvent(client, event.agent.id);
              } catch {
                onError();
              }
            }
          });
          res.on("error", () => {
            if (!closing) onError();
          });
        },
      );
      client.close = () => {
        closing = true;
        req.destroy();
      };
      req.on("error", (error) => {
        if (closing) return;
        if (connected) onError();
        else reject(error);
      });
      req.setTimeout(30_000, () => {
        if (!connected) req.destroy(new Error(`SSE client ${n}: no ": connected" within 30 s`));
      });
      req.end();
    });
  const clients: SseClient[] = [];
  for (let n = 0; n < SSE_CLIENTS; n += 25) {
    clients.push(
      ...(await Promise.all(Array.from({ length: Math.min(25, SSE_CLIENTS - n) }, (_, k) => open(n + k)))),
    );
  }
  return clients;
}

/** The console's CPU and memory from /proc: VmHWM (peak RSS) is reset at the start of each phase. */
class ProcessWatch {
  private cpuAt = 0;
  private ownCpuAt = 0;
  private startedAt = 0;
  private peak = 0;
  private sampler: NodeJS.Timeout | null = null;

  constructor(private readonly pid: number) {}

  private status(): { rss: number; hwm: number } {
    const text = readFileSync(`/proc/${this.pid}/status`, "utf8");
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(text)?.[1] ?? Number.NaN);
    return { rss: kb("VmRSS") * 1024, hwm: kb("VmHWM") * 1024 };
  }

  private cpuMs(): number {
    const fields = readFileSync(`/proc/${this.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    // utime and stime are fields 14 and 15 (1-based) of the whole line, in clock ticks (100 per second).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  }

  rssMb(): string {
    return fmt(this.status().rss / 2 ** 20, 0);
  }

  reset(): void {
    try {
      writeFileSync(`/proc/${this.pid}/clear_refs`, "5");
    } catch {
      // Not allowed here: fall back to sampling VmRSS.
    }
    this.peak = this.status().rss;
    this.cpuAt = this.cpuMs();
    const own = process.cpuUsage();
    this.ownCpuAt = (own.user + own.system) / 1000;
    this.startedAt = performance.now();
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = setInterval(() => (this.peak = Math.max(this.peak, this.status().rss)), 50);
  }

  /** The console's CPU and peak RSS since reset(), and this process's (the load generator's) CPU. */
  read(): { cpu: string; peakMb: string; generatorCpu: string } {
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = null;
    const { rss, hwm } = this.status();
    const peak = Math.max(this.peak, rss, Number.isNaN(hwm) ? 0 : hwm);
    const elapsed = performance.now() - this.startedAt;
    const share = (this.cpuMs() - this.cpuAt) / elapsed;
    const own = process.cpuUsage();
    const generator = ((own.user + own.system) / 1000 - this.ownCpuAt) / elapsed;
    return {
      cpu: `${fmt(share * 100, 0)}%`,
      peakMb: fmt(peak / 2 ** 20, 0),
      generatorCpu: `${fmt(generator * 100, 0)}%`,
    };
  }
}

async function spawnConsole(
  processes: ChildProcess[],
  dataDir: string,
  sim: SpawnedSim,
): Promise<{ url: string; pid: number }> {
  const profileDir = process.env.LOAD_CPU_PROF;
  const child = spawn(
    process.execPath,
    [...(profileDir ? ["--cpu-prof", "--cpu-prof-dir", profileDir] : []), "--import", "tsx", MAIN],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: "0",
        HOST: "127.0.0.1",
        DATA_DIR: dataDir,
        ADMIN_PASSWORD,
        LOG_LEVEL: "silent",
        SCRYPT_LOG_N: "10",
        DEMO: "false",
        PBX_URL: sim.url,
        PBX_SECURE: sim.secure,
        IMPORT_CONCURRENCY: "8",
      },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  processes.push(child);
  killOnExit(child);
  const url = await waitForLine(child, /Crystal Console is running at (http:\/\/\S+)/, "the console");
  return { url, pid: child.pid! };
}

async function signIn(url: string): Promise<string> {
  const response = await fetch(`${url}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json", ...CSRF },
    body: JSON.stringify({ username: "admin", password: ADMIN_PASSWORD }),
  });
  const cookie = response.headers.get("set-cookie")?.split(";")[0];
  if (response.status !== 200 || !cookie) throw new Error(`sign-in: HTTP ${response.status}`);
  return cookie;
}

/** Linux's CPU pressure over the last minute: the share of time something waited for a CPU. */
function cpuPressure(): string {
  const file = "/proc/pressure/cpu";
  if (!existsSync(file)) return "";
  const avg60 = /some avg10=[\d.]+ avg60=([\d.]+)/.exec(readFileSync(file, "utf8"))?.[1];
  return avg60 === undefined ? "" : `, CPU pressure ${avg60}% (avg60)`;
}
