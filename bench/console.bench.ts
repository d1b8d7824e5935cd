// The console's own cost: overhead per PBX-backed request (BFF round trip minus a direct PBX call to the
// same simulator, in the same run), and GET /api/agents throughput with 2,000 agents.
// Here the console, the simulator and autocannon share one process (and one event loop), so these figures
// understate what the console does on its own; load.bench.ts measures the same with the console in its
// own process, and its figures are the ones docs/performance.md holds against the aims.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CSRF_HEADER, CSRF_VALUE } from "@crystal-console/api";
import { createPbxClient } from "@crystal-console/crystal";
import { startConsole } from "@crystal-console/server";
import autocannon from "autocannon";
import { Pool } from "undici";
import { measureOverhead } from "./overhead.ts";
import { defined } from "../apps/server/src/test-support.ts";
import { fmt, measure } from "./stats.ts";

const AGENTS = 2000;
const ADMIN_PASSWORD = "bench-admin-password";

export async function run(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "cc-bench-"));
  const app = await startConsole({
    PORT: "0",
    DATA_DIR: dataDir,
    ADMIN_PASSWORD,
    LOG_LEVEL: "silent",
    DEMO: "false",
    SCRYPT_LOG_N: "10",
    PBX_PROBE_INTERVAL_MS: "600000",
  });
  const sim = defined(app.sim, "the embedded simulator");
  const pool = new Pool(app.url, { connections: 16, pipelining: 1 });
  try {
    const cookie = await signIn(pool);
    const headers = { cookie, "content-type": "application/json", [CSRF_HEADER]: CSRF_VALUE };
    const send = async (method: "POST" | "PUT", path: string, body?: unknown) => {
      const response = await pool.request({
        method,
        path,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.body.text();
      if (response.statusCode >= 300) throw new Error(`${method} ${path}: ${response.statusCode} ${text}`);
    };

    // A call centre of 2,000 agents in 10 queues, created through the console (PBX first).
    const setupStarted = performance.now();
    for (let q = 0; q < 10; q++)
      await send("POST", "/api/queues", { id: String(3000 + q), name: `Queue ${q}` });
    await measure(AGENTS, 8, async (i) => {
      const id = String(10_000 + i);
      await send("POST", "/api/agents", {
        id,
        name: `Agent ${i}`,
        password: "pass1234",
        outQueueId: String(3000 + (i % 10)),
      });
      await send("PUT", `/api/queues/${3000 + (i % 10)}/agents/${id}`);
    });
    await send("POST", "/api/agents/10000/state", { action: "login", extension: "501" });
    console.log(
      `setup: ${AGENTS} agents created and assigned through the console in ${fmt((performance.now() - setupStarted) / 1000, 1)} s`,
    );

    // Overhead: the same PBX command (pause, always "0: OK") through the console and directly, alternating
    // call by call after a warm-up (the method is in overhead.ts, shared with load.bench.ts).
    const direct = createPbxClient({ baseUrl: sim.url, secure: sim.secure });
    const viaConsole = () => send("POST", "/api/agents/10000/state", { action: "pause", reason: "Break" });
    const viaPbx = () => direct.pause({ agentId: "10000" });
    const o = await measureOverhead(viaPbx, viaConsole);
    await direct.close();
    console.log(
      `\nPBX-backed request (pause), one at a time, alternating call by call after a warm-up, ${o.samples} of each:`,
    );
    console.log("                      p50 ms   p99 ms");
    console.log(`direct PBX call      ${fmt(o.direct.p50).padStart(7)}  ${fmt(o.direct.p99).padStart(7)}`);
    console.log(`through the console  ${fmt(o.console.p50).padStart(7)}  ${fmt(o.console.p99).padStart(7)}`);
    console.log(
      `console overhead     ${fmt(o.overhead.p50).padStart(7)}  ${fmt(o.overhead.p99).padStart(7)}`,
    );
    console.log(`ratio console/direct ${fmt(o.ratio.p50).padStart(7)}  ${fmt(o.ratio.p99).padStart(7)}`);
    console.log(
      `per-pair difference: p50 ${fmt(o.pairedDifference.p50)} ms, p99 ${fmt(o.pairedDifference.p99)} ms`,
    );

    // GET /api/agents with 2,000 agents, 10 s under autocannon with 20 connections.
    const result = await autocannon({
      url: `${app.url}/api/agents`,
      connections: 20,
      duration: 10,
      headers: { cookie },
    });
    const bytes = result.throughput.average;
    console.log(`\nGET /api/agents with ${AGENTS} agents (autocannon, 20 connections, 10 s):`);
    console.log(
      `  ${fmt(result.requests.average, 0)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ` +
        `${fmt(bytes / 1e6, 1)} MB/s, non-2xx ${result.non2xx}, errors ${result.errors}`,
    );
    console.log(
      `  peak RSS of the bench process (console in-process): ${fmt(process.memoryUsage().rss / 2 ** 20, 0)} MiB`,
    );
  } finally {
    await pool.close();
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function signIn(pool: Pool): Promise<string> {
  const response = await pool.request({
    method: "POST",
    path: "/api/session",
    headers: { "content-type": "application/json", [CSRF_HEADER]: CSRF_VALUE },
    body: JSON.stringify({ username: "admin", password: ADMIN_PASSWORD }),
  });
  await response.body.text();
  const setCookie = response.headers["set-cookie"];
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  if (response.statusCode !== 200 || !first) throw new Error(`sign-in failed: ${response.statusCode}`);
  return first.split(";")[0] ?? "";
}
