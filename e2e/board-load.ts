// A busy call centre for the board's load checks (the soak in web-soak.ts, board-growth.spec.ts): a console
// of its own on a simulator that keeps no state file (the embedded one rewrites its file after every PBX
// call, which at 10,000 agents would make the server, not the page, the bottleneck), agents imported from
// one CSV, the changes a shift makes, and what the board page holds, read through Chromium's DevTools
// protocol.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentStatus, ImportJobResponse, ImportStartResponse } from "@crystal-console/api";
import { startPbxSim } from "@crystal-console/pbx-sim";
import { startConsole } from "@crystal-console/server";
import type { APIRequestContext, CDPSession, Page } from "@playwright/test";

const CSRF = { "X-Requested-With": "crystal-console" };
export const LOAD_ADMIN_PASSWORD = "board-load-admin-password";

export type LoadConsole = { url: string; close(): Promise<void> };

/** A console on its own simulator, with extensions for `loggedIn` agents, and an empty registry. */
export async function startLoadConsole(loggedIn: number): Promise<LoadConsole> {
  const sim = await startPbxSim({ extensions: `100-${99 + loggedIn}` });
  const dataDir = mkdtempSync(join(tmpdir(), "cc-board-load-"));
  const app = await startConsole({
    PBX_URL: sim.url,
    PBX_SECURE: sim.secure,
    PORT: "0",
    DATA_DIR: dataDir,
    ADMIN_PASSWORD: LOAD_ADMIN_PASSWORD,
    LOG_LEVEL: "silent",
    DEMO: "false",
    SCRYPT_LOG_N: "10",
    PBX_PROBE_INTERVAL_MS: "600000",
    IMPORT_CONCURRENCY: "8",
    // The shift's client keeps its connections, some idle for seconds between changes: a server that
    // closes an idle one just as the client sends on it resets that change (ECONNRESET), so the load
    // console keeps idle connections for the length of any run.
    HTTP_KEEP_ALIVE_TIMEOUT_MS: "3600000",
  });
  return {
    url: app.url,
    async close() {
      await app.close();
      await sim.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Signs a request context (a page's, sharing its cookies) in as the load console's admin. */
export async function signInAdmin(request: APIRequestContext, url: string): Promise<void> {
  const response = await request.post(`${url}/api/session`, {
    data: { username: "admin", password: LOAD_ADMIN_PASSWORD },
    headers: CSRF,
  });
  if (!response.ok()) throw new Error(`sign in: ${response.status()}`);
}

export type CallCentreSize = { agents: number; queues: number; loggedIn: number };

const agentId = (index: number) => String(10_000 + index);
export const agentName = (index: number) => `Agent ${index}`;
const queueId = (index: number) => String(3000 + index);

async function send(
  request: APIRequestContext,
  method: "get" | "post" | "put" | "delete",
  url: string,
  data?: unknown,
) {
  const response = await request[method](url, { data, headers: CSRF });
  if (!response.ok()) throw new Error(`${method} ${url}: ${response.status()} ${await response.text()}`);
  return response;
}

/**
 * Queues, then the agents in one CSV import (each in queue `index % queues`), then the first `loggedIn`
 * agents logged in at extensions 100 and up. Everything goes through the console, so the PBX has it too.
 */
export async function buildCallCentre(
  request: APIRequestContext,
  url: string,
  size: CallCentreSize,
): Promise<void> {
  for (let q = 0; q < size.queues; q++) {
    await send(request, "post", `${url}/api/queues`, { id: queueId(q), name: `Queue ${q}` });
  }
  const rows = Array.from({ length: size.agents }, (_, i) => {
    const queue = queueId(i % size.queues);
    return `${agentId(i)},${agentName(i)},pw${i},${queue},${queue}`;
  });
  const csv = ["agent_id,agent_name,agent_pass,agent_out_q,queues", ...rows].join("\n");
  const started = await request.post(`${url}/api/import/agents`, {
    data: csv,
    headers: { ...CSRF, "Content-Type": "text/csv" },
  });
  if (started.status() !== 202) throw new Error(`import: ${started.status()} ${await started.text()}`);
  const { jobId } = (await started.json()) as ImportStartResponse;
  for (;;) {
    const { job } = (await (
      await send(request, "get", `${url}/api/import/jobs/${jobId}`)
    ).json()) as ImportJobResponse;
    if (job.status !== "running") {
      if (job.status !== "done" || job.failed > 0)
        throw new Error(`import ${job.status}, ${job.failed} failed`);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < size.loggedIn) {
        const i = next++;
        await send(request, "post", `${url}/api/agents/${agentId(i)}/state`, {
          action: "login",
          extension: String(100 + i),
        });
      }
    }),
  );
}

const stateCycle = [
  { action: "pause", status: "paused" },
  { action: "online", status: "online" },
  { action: "mission", status: "mission" },
  { action: "online", status: "online" },
] as const;
const pauseReasons = ["Break", "Lunch", "Training"];
const step = (turn: number) => stateCycle[turn % stateCycle.length] ?? stateCycle[0];

export type Shift = {
  /** Makes the k-th change (k = 0, 1, 2, ... in turn); rejects when the console refuses it. */
  change(k: number): Promise<void>;
  /** The board's "Agents by state" line once every change made so far has reached it. */
  expectedSummary(): string;
  /** How many changes each agent (by index) has had so far. */
  changesByAgent: ReadonlyMap<number, number>;
};

/** The agents whose second queue a shift changes: each joins it, then leaves it 100 membership changes later. */
const MEMBER_POOL = 100;

/**
 * The changes of a shift: nine in ten are a state change of a logged-in agent, taken in turn (pause with a
 * reason, online, mission, online), one in ten assigns one of the first 100 agents to a second queue or
 * releases it from it, taken 19 apart, so that every 200 of those changes leave the queues as they were
 * and no membership is changed twice at once even when changes overlap.
 */
export function startShift(request: APIRequestContext, url: string, size: CallCentreSize): Shift {
  const turns = new Map<number, number>();
  const inSecondQueue = new Set<number>();
  const counts: Record<AgentStatus, number> = {
    online: size.loggedIn,
    paused: 0,
    mission: 0,
    logged_off: size.agents - size.loggedIn,
  };
  let stateChanges = 0;
  let memberChanges = 0;
  const changesByAgent = new Map<number, number>();
  const changed = (i: number) => changesByAgent.set(i, (changesByAgent.get(i) ?? 0) + 1);
  return {
    changesByAgent,
    async change(k) {
      if (k % 10 === 9) {
        const i = (memberChanges++ * 19) % Math.min(MEMBER_POOL, size.agents);
        changed(i);
        const path = `${url}/api/queues/${queueId((i + 1) % size.queues)}/agents/${agentId(i)}`;
        const join = !inSecondQueue.delete(i);
        if (join) inSecondQueue.add(i);
        await send(request, join ? "put" : "delete", path);
        return;
      }
      const i = stateChanges++ % size.loggedIn;
      changed(i);
      const turn = turns.get(i) ?? 0;
      turns.set(i, turn + 1);
      const before = turn === 0 ? "online" : step(turn - 1).status;
      const { action, status } = step(turn);
      counts[before] -= 1;
      counts[status] += 1;
      const body =
        action === "pause" ? { action, reason: pauseReasons[turn % pauseReasons.length] } : { action };
      await send(request, "post", `${url}/api/agents/${agentId(i)}/state`, body);
    },
    expectedSummary: () =>
      `${counts.online} online · ${counts.paused} paused · ${counts.mission} mission · ${counts.logged_off} logged off`,
  };
}

/** Waits until the board has applied every change made so far. */
export async function boardCaughtUp(board: Page, shift: Shift, timeout = 120_000): Promise<void> {
  await board
    .getByLabel("Agents by state", { exact: true })
    .filter({ hasText: shift.expectedSummary() })
    .waitFor({ timeout });
}

export type BoardCounts = { heapMb: number; listeners: number; nodes: number };

/**
 * The board page's JS heap after a forced garbage collection, its event listeners and its DOM nodes, from
 * Chromium's Performance metrics (JSHeapUsedSize, JSEventListeners, Nodes).
 */
export async function boardCounts(cdp: CDPSession): Promise<BoardCounts> {
  await cdp.send("Performance.enable");
  await cdp.send("HeapProfiler.collectGarbage");
  const { metrics } = await cdp.send("Performance.getMetrics");
  const metric = (name: string) => {
    const found = metrics.find((each) => each.name === name);
    if (!found) throw new Error(`Chromium reported no ${name}`);
    return found.value;
  };
  return {
    heapMb: metric("JSHeapUsedSize") / 1024 / 1024,
    listeners: metric("JSEventListeners"),
    nodes: metric("Nodes"),
  };
}
