// SIGTERM during traffic (issue 6, "Faults"): the server runs as its own process, as `pnpm start` runs it,
// against a simulator that holds every answer 300 ms. Twenty writes are in flight when SIGTERM arrives
// (most still queued for the PBX):
// each gets its complete, successful response, the process exits 0, and after a restart on the same data
// directory the registry agrees with the PBX fact by fact: nothing half-written.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type PbxSim, startPbxSim } from "@crystal-console/pbx-sim";
import { afterAll, beforeAll, expect, it } from "vitest";
import { freshRegistry } from "../test-database.ts";
import { ADMIN_PASSWORD, Client, eventually } from "../test-support.ts";
import { type ServerProcess, killServerProcesses, startServerProcess } from "./server-process.ts";

const LATENCY_MS = 300;

let sim: PbxSim;
let dataDir: string;
let databaseUrl: string;

function startServer(): Promise<ServerProcess> {
  return startServerProcess({
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    PBX_URL: sim.url,
    PBX_SECURE: sim.secure,
  });
}

async function stopServer(server: ServerProcess): Promise<number | null> {
  server.child.kill("SIGTERM");
  return server.exited;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "crystal-sigterm-"));
  databaseUrl = (await freshRegistry(dataDir)).env.DATABASE_URL;
  sim = await startPbxSim({ port: 0 });
});

afterAll(async () => {
  await killServerProcesses();
  await sim?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Every fact the registry holds that the PBX also holds, in one comparable shape. */
async function registryFacts(admin: Client) {
  const agents = (await admin.call("GET /agents")).body.agents;
  const queues = (await admin.call("GET /queues")).body.queues;
  const retired = (await admin.call("GET /agents/retired")).body.agentIds;
  return {
    agents: agents.map((a) => ({ id: a.id, name: a.name, outQueueId: a.outQueueId })),
    retired: [...retired].sort(),
    queues: queues.map((q) => ({ id: q.id, name: q.name, agentIds: [...q.agentIds].sort() })),
    logins: agents
      .filter((a) => a.status !== "logged_off")
      .map((a) => ({ agentId: a.id, extension: a.extension, state: a.status })),
    unconfirmed: agents.filter((a) => !a.confirmed).map((a) => a.id),
  };
}

function simFacts() {
  const state = sim.state();
  return {
    agents: state.agents
      .filter((a) => a.active)
      .map((a) => ({ id: a.id, name: a.name, outQueueId: a.outQueueId })),
    retired: state.agents
      .filter((a) => !a.active)
      .map((a) => a.id)
      .sort(),
    queues: state.queues.map((q) => ({ id: q.id, name: q.name, agentIds: [...q.agentIds].sort() })),
    logins: state.logins.map((l) => ({ agentId: l.agentId, extension: l.extension, state: l.state })),
    unconfirmed: [],
  };
}

it("in-flight requests finish, the process exits 0, and the restarted registry matches the PBX", async () => {
  const first = await startServer();
  const admin = new Client(first.url);
  await admin.signIn("admin", ADMIN_PASSWORD);
  await admin.createQueue("2000", "Sales");
  await admin.createQueue("2001", "Support");
  for (let i = 1; i <= 5; i++) await admin.createAgent(`300${i}`, "2000");
  await admin.createAgent("3009", "2000");
  expect((await admin.call("DELETE /agents/:id", { params: { id: "3009" } })).status).toBe(204);

  sim.setLatency({ fixedMs: LATENCY_MS });
  sim.clearCalls();
  const writes = [
    ...[1, 2, 3, 4, 5].map((i) => admin.call("POST /queues", { body: { id: `210${i}`, name: `New ${i}` } })),
    ...[1, 2, 3, 4, 5].map((i) =>
      admin.call("POST /agents", {
        body: {
          id: `310${i}`,
          name: `Agent ${i}`,
          password: `pw${i}`,
          outQueueId: "2000",
        },
      }),
    ),
    ...[1, 2, 3, 4, 5].map((i) =>
      admin.call("PUT /queues/:queueId/agents/:agentId", { params: { queueId: "2001", agentId: `300${i}` } }),
    ),
    ...[1, 2, 3, 4, 5].map((i) => admin.state(`300${i}`, { action: "login", extension: `50${i}` })),
  ];
  // The console's PBX pool (4 connections) is busy with the first calls, each held 300 ms by the PBX; the
  // rest wait in the console. All twenty were accepted, most have not reached the PBX yet: SIGTERM now.
  await eventually(() => expect(sim.calls().length).toBeGreaterThanOrEqual(4));
  await new Promise((resolve) => setTimeout(resolve, 100));
  first.child.kill("SIGTERM");
  const atPbxWhenSignalled = sim.calls().length;
  expect(atPbxWhenSignalled).toBeLessThan(writes.length);

  const replies = await Promise.all(writes);
  expect(
    replies.map((reply) => reply.status),
    replies.map((reply) => reply.text).join("\n"),
  ).toEqual([...Array<number>(10).fill(201), ...Array<number>(10).fill(200)]);
  for (const reply of replies) expect(reply.body.error).toBeUndefined();
  expect(await first.exited, first.output()).toBe(0);
  expect(first.output()).not.toMatch(/shutdown failed|Error/);
  expect(sim.calls()).toHaveLength(writes.length);

  // Restarted on the same data directory: the registry holds exactly what the PBX confirmed.
  sim.setLatency({ fixedMs: 0 });
  const second = await startServer();
  const again = new Client(second.url);
  await again.signIn("admin", ADMIN_PASSWORD);
  const facts = await registryFacts(again);
  expect(facts).toEqual(simFacts());
  expect(facts.agents).toHaveLength(10);
  expect(facts.queues).toHaveLength(7);
  expect(facts.logins).toHaveLength(5);
  expect(facts.retired).toEqual(["3009"]);
  expect(await stopServer(second), second.output()).toBe(0);
}, 90_000);
