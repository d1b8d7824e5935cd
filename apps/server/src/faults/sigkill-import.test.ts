// SIGKILL in the middle of a bulk import (issue 6, "Faults"): the server runs as its own process, as
// `pnpm start` runs it, against a simulator in this process that holds every answer 30 ms and keeps its
// state in memory. A 150-agent import (each agent into 2 queues) is running, 4 rows at a time, when the
// server is killed with SIGKILL: no shutdown, no drain, whatever was in flight is cut. Restarted on the same
// data directory, the registry is compared with the simulator's state fact by fact.
//
// What a SIGKILL can leave different, and nothing else: the simulator applies a call when it arrives
// (its latency only delays the answer), and the console commits only after the answer. So for a row that
// was in flight the PBX may be one step ahead of the registry:
//   - new_agent applied, its commit never happened: the PBX has the agent, the registry does not;
//   - assign_agent applied, its commit never happened: the PBX has one membership more.
// The registry is never ahead of the PBX, never disagrees on a name or out queue, and at most
// IMPORT_CONCURRENCY rows (those in flight) differ. Running the same file again settles every one of them
// through the "ensure" answers (exists -> adopt, already assigned) and completes the import: afterwards
// the registry and the PBX agree completely.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ImportJob } from "@crystal-console/api";
import { type PbxSim, startPbxSim } from "@crystal-console/pbx-sim";
import { afterAll, beforeAll, expect, it } from "vitest";
import { freshRegistry } from "../test-database.ts";
import { ADMIN_PASSWORD, Client, defined, eventually } from "../test-support.ts";
import { type ServerProcess, killServerProcesses, startServerProcess } from "./server-process.ts";

const LATENCY_MS = 30;
const CONCURRENCY = 4;
const AGENTS = 150;
const QUEUES = ["2000", "2001"];

let sim: PbxSim;
let dataDir: string;
let databaseUrl: string;

function startServer(): Promise<ServerProcess> {
  return startServerProcess({
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    PBX_URL: sim.url,
    PBX_SECURE: sim.secure,
    IMPORT_CONCURRENCY: String(CONCURRENCY),
    // No unknown outcome is expected here; a settle must not run behind the comparisons' back.
    PBX_SETTLE_DELAY_MS: "600000",
  });
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "crystal-sigkill-"));
  databaseUrl = (await freshRegistry(dataDir)).env.DATABASE_URL;
  sim = await startPbxSim({ port: 0 });
});

afterAll(async () => {
  await killServerProcesses();
  await sim?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

type AgentFacts = { name: string; outQueueId: string; queueIds: string[] };
type Facts = {
  agents: Map<string, AgentFacts>;
  retired: string[];
  queues: Map<string, { name: string; agentIds: string[] }>;
};

/** The registry as the API shows it. */
async function registryFacts(admin: Client): Promise<Facts> {
  const agents = await admin.call("GET /agents");
  const queues = await admin.call("GET /queues");
  const retired = await admin.call("GET /agents/retired");
  expect([agents.status, queues.status, retired.status]).toEqual([200, 200, 200]);
  return {
    agents: new Map(
      agents.body.agents.map((a) => [
        a.id,
        { name: a.name, outQueueId: a.outQueueId, queueIds: [...a.queueIds].sort() },
      ]),
    ),
    retired: [...retired.body.agentIds].sort(),
    queues: new Map(
      queues.body.queues.map((q) => [q.id, { name: q.name, agentIds: [...q.agentIds].sort() }]),
    ),
  };
}

/** The same facts as the PBX holds them. */
function simFacts(): Facts {
  const state = sim.state();
  const queueIdsOf = (agentId: string) =>
    state.queues
      .filter((q) => q.agentIds.includes(agentId))
      .map((q) => q.id)
      .sort();
  return {
    agents: new Map(
      state.agents
        .filter((a) => a.active)
        .map((a) => [a.id, { name: a.name, outQueueId: a.outQueueId, queueIds: queueIdsOf(a.id) }]),
    ),
    retired: state.agents
      .filter((a) => !a.active)
      .map((a) => a.id)
      .sort(),
    queues: new Map(state.queues.map((q) => [q.id, { name: q.name, agentIds: [...q.agentIds].sort() }])),
  };
}

const asObject = (facts: Facts) => ({
  agents: Object.fromEntries([...facts.agents].sort(([a], [b]) => Number(a) - Number(b))),
  retired: facts.retired,
  queues: Object.fromEntries(facts.queues),
});

const agentId = (i: number) => String(30_000 + i);
const nameOf = (id: string) => `Agent ${id}`;
const outQueueOf = (i: number) => defined(QUEUES[i % QUEUES.length], "a queue");

const agentsCsv = [
  "agent_id,agent_name,agent_pass,agent_out_q,queues",
  ...Array.from({ length: AGENTS }, (_, i) => {
    const id = agentId(i);
    return `${id},${nameOf(id)},pw-${id},${outQueueOf(i)},${QUEUES.join(";")}`;
  }),
].join("\r\n");

async function startImport(admin: Client): Promise<string> {
  const reply = await admin.call("POST /import/:kind", { params: { kind: "agents" }, body: agentsCsv });
  expect(reply.status, reply.text).toBe(202);
  return reply.body.jobId;
}

async function readJob(admin: Client, jobId: string): Promise<ImportJob> {
  const reply = await admin.call("GET /import/jobs/:jobId", { params: { jobId } });
  expect(reply.status, reply.text).toBe(200);
  return reply.body.job;
}

it("after a SIGKILL mid-import only in-flight rows differ, and re-running the import converges", async () => {
  const first = await startServer();
  const admin = new Client(first.url);
  await admin.signIn("admin", ADMIN_PASSWORD);
  for (const id of QUEUES) await admin.createQueue(id, `Queue ${id}`);

  sim.setLatency({ fixedMs: LATENCY_MS });
  const jobId = await startImport(admin);
  // Let some rows finish, then kill while the next ones are in flight (3 PBX calls of 30 ms per row, 4 rows
  // at a time: the whole file takes ~3.5 s, so this lands well inside it).
  const lastSeen = await eventually(
    async () => {
      const job = await readJob(admin, jobId);
      expect(job.done).toBeGreaterThanOrEqual(30);
      return job;
    },
    20_000,
    10,
  );
  // Kill the moment a new_agent reaches the PBX: the PBX applied it on arrival and holds the answer 30 ms, so
  // the console can never commit it. (Other rows' calls may be in flight too.)
  const newAgentCalls = () => sim.calls().filter((call) => call.action === "new_agent");
  const before = newAgentCalls().length;
  const caught = await eventually(
    () => {
      const calls = newAgentCalls();
      expect(calls.length).toBeGreaterThan(before);
      return defined(calls.at(-1)?.params.agent_id, "the last new_agent's agent_id");
    },
    10_000,
    1,
  );
  first.child.kill("SIGKILL");
  expect(await first.exited).toBeNull();
  expect(first.child.signalCode).toBe("SIGKILL");
  expect(lastSeen.status).toBe("running");
  expect(lastSeen.done).toBeLessThan(AGENTS - CONCURRENCY);
  // Rows the job had finished before the kill were committed in full: they must agree exactly.
  const finishedBeforeKill = new Set(
    lastSeen.rows.filter((row) => row.result === "done").map((row) => row.id),
  );
  expect(lastSeen.rows.filter((row) => row.result === "failed")).toEqual([]);

  // Restart on the same data directory; the PBX kept its state (and its answers are quick again).
  sim.setLatency({ fixedMs: 0 });
  const second = await startServer();
  const again = new Client(second.url);
  await again.signIn("admin", ADMIN_PASSWORD);
  // The job lives in the registry: within seconds of the kill (the dead instance's heartbeat goes stale)
  // it is shown as interrupted, which frees the one import slot for the re-run below.
  const interrupted = await eventually(
    async () => {
      const job = await readJob(again, jobId);
      expect(job.status).toBe("interrupted");
      return job;
    },
    15_000,
    100,
  );
  // Its progress is as last saved (a few times a second), never more than the job had done.
  expect(interrupted.finishedAt).not.toBeNull();
  expect(interrupted.done).toBeLessThanOrEqual(lastSeen.done + CONCURRENCY);

  const registry = await registryFacts(again);
  const pbx = simFacts();
  const csvIds = new Set(Array.from({ length: AGENTS }, (_, i) => agentId(i)));

  // Queue names agree, no agent was retired, and the registry holds nothing the PBX lacks.
  expect(registry.retired).toEqual([]);
  expect(pbx.retired).toEqual([]);
  expect([...registry.queues].map(([id, q]) => [id, q.name])).toEqual(
    [...pbx.queues].map(([id, q]) => [id, q.name]),
  );
  for (const id of registry.agents.keys()) expect(pbx.agents.has(id), `registry-only agent ${id}`).toBe(true);
  for (const [queueId, queue] of registry.queues) {
    for (const member of queue.agentIds) {
      expect(pbx.queues.get(queueId)?.agentIds, `registry-only membership ${member}@${queueId}`).toContain(
        member,
      );
    }
  }

  // Agents in both agree on name and out queue; memberships may differ only by PBX-side extras.
  const differing = new Map<string, string>();
  for (const [id, onPbx] of pbx.agents) {
    expect(csvIds.has(id), `agent ${id} is not from the file`).toBe(true);
    const inRegistry = registry.agents.get(id);
    if (!inRegistry) {
      // new_agent applied, commit lost: the PBX's agent is exactly the row's, in no queue yet.
      expect(onPbx).toEqual({ name: nameOf(id), outQueueId: outQueueOf(Number(id) - 30_000), queueIds: [] });
      differing.set(id, "agent on the PBX only");
      continue;
    }
    expect({ name: inRegistry.name, outQueueId: inRegistry.outQueueId }).toEqual({
      name: onPbx.name,
      outQueueId: onPbx.outQueueId,
    });
    for (const queueId of inRegistry.queueIds) expect(onPbx.queueIds).toContain(queueId);
    const extra = onPbx.queueIds.filter((queueId) => !inRegistry.queueIds.includes(queueId));
    if (extra.length > 0) {
      // assign_agent applied, commit lost: exactly one assign can be in flight per row.
      expect(extra).toHaveLength(1);
      differing.set(id, `membership ${extra[0]} on the PBX only`);
    }
  }
  // Only rows that were in flight differ: at most one per import worker, none the job had finished; the
  // new_agent caught in flight is one of them.
  expect(differing.get(caught)).toBe("agent on the PBX only");
  expect(differing.size, JSON.stringify([...differing])).toBeLessThanOrEqual(CONCURRENCY);
  for (const id of differing.keys())
    expect(finishedBeforeKill.has(id), `finished row ${id} differs`).toBe(false);
  for (const id of finishedBeforeKill) {
    expect(registry.agents.get(id)).toEqual({
      name: nameOf(id),
      outQueueId: outQueueOf(Number(id) - 30_000),
      queueIds: QUEUES,
    });
  }
  // Some rows were done, some not started: the kill did land mid-import.
  expect(registry.agents.size).toBeGreaterThanOrEqual(30);
  expect(pbx.agents.size).toBeLessThan(AGENTS);

  // Re-run the same file: it completes, and afterwards the registry and the PBX agree completely.
  const rerunId = await startImport(again);
  const rerun = await eventually(
    async () => {
      const job = await readJob(again, rerunId);
      expect(job.status).not.toBe("running");
      return job;
    },
    30_000,
    25,
  );
  expect(rerun).toMatchObject({ status: "done", failed: 0 });
  expect(rerun.rows.every((row) => ["done", "adopted", "unchanged"].includes(row.result))).toBe(true);
  // Each agent only on the PBX was adopted (new_agent answered "exists"), not created twice.
  for (const [id, why] of differing) {
    if (why === "agent on the PBX only")
      expect(rerun.rows.find((row) => row.id === id)?.result).toBe("adopted");
  }

  const settled = asObject(await registryFacts(again));
  expect(settled).toEqual(asObject(simFacts()));
  expect(Object.keys(settled.agents)).toHaveLength(AGENTS);
  for (const queueId of QUEUES) expect(settled.queues[queueId]?.agentIds).toHaveLength(AGENTS);

  // Running it a third time changes nothing: every row is unchanged.
  const thirdId = await startImport(again);
  const third = await eventually(async () => {
    const job = await readJob(again, thirdId);
    expect(job.status).toBe("done");
    return job;
  }, 10_000);
  expect(third.counts.unchanged).toBe(AGENTS);

  second.child.kill("SIGTERM");
  expect(await second.exited, second.output()).toBe(0);
}, 90_000);
