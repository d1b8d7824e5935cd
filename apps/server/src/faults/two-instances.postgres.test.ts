// Two consoles on one PostgreSQL database with one PBX (issue 11, the foundation's part of the two-instance
// tests): an unknown outcome left by an instance that was killed mid-call is settled by the other, once. The
// per-fact order across instances is the concurrency test on two instances (concurrency.test.ts); the rest of
// the fleet (events, sessions, the limiter, the instance's name) is fleet.postgres.test.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type PbxSim, startPbxSim } from "@crystal-console/pbx-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresDatabase } from "../test-database.ts";
import { ADMIN_PASSWORD, Client, type TestConsole, eventually, startTestConsole } from "../test-support.ts";
import { killServerProcesses, startServerProcess } from "./server-process.ts";

let sim: PbxSim;
let dir: string;
const consoles: TestConsole[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "crystal-two-"));
  sim = await startPbxSim({ port: 0 });
});

afterAll(async () => {
  await Promise.all(consoles.map((c) => c.stop()));
  await killServerProcesses();
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A console on `databaseUrl` talking to the shared simulator. */
async function consoleOn(databaseUrl: string, env: Record<string, string> = {}) {
  const started = await startTestConsole({
    DATABASE_URL: databaseUrl,
    PBX_URL: sim.url,
    PBX_SECURE: sim.secure,
    ...env,
  });
  consoles.push(started);
  return started;
}

describe("two consoles, one PostgreSQL, one PBX", () => {
  it("an unknown outcome left by a killed instance is settled by the other, with one follow-up each", async () => {
    const databaseUrl = await createPostgresDatabase();
    const env = { PBX_SETTLE_DELAY_MS: "200", PBX_HEADERS_TIMEOUT_MS: "10000", PBX_BODY_TIMEOUT_MS: "10000" };
    const killed = await startServerProcess({
      DATA_DIR: dir,
      DATABASE_URL: databaseUrl,
      PBX_URL: sim.url,
      PBX_SECURE: sim.secure,
      ...env,
    });
    const survivor = await consoleOn(databaseUrl, env);
    await survivor.admin.createQueue("2300");
    await survivor.admin.createAgent("4301", "2300");
    expect((await survivor.admin.state("4301", { action: "login", extension: "630" })).status).toBe(200);

    // Through the first instance: a pause and an assignment, each applied by the PBX on arrival and
    // answered 5 s later; the instance is killed while both wait for their answers.
    const first = new Client(killed.url);
    await first.signIn("admin", ADMIN_PASSWORD);
    sim.clearCalls();
    sim.setLatency({ fixedMs: 5000 });
    void first.state("4301", { action: "pause", reason: "Break" }).catch(() => undefined);
    void first
      .call("PUT /queues/:queueId/agents/:agentId", { params: { queueId: "2300", agentId: "4301" } })
      .catch(() => undefined);
    await eventually(() =>
      expect(
        sim
          .calls()
          .map((call) => call.action)
          .sort(),
      ).toEqual(["assign_agent", "pause"]),
    );
    killed.child.kill("SIGKILL");
    expect(await killed.exited).toBeNull();
    sim.setLatency({ fixedMs: 0 });
    expect(sim.state().logins.find((login) => login.agentId === "4301")).toEqual({
      agentId: "4301",
      extension: "630",
      state: "paused",
    });

    // The survivor sees the dead instance's leases (its heartbeat goes stale within seconds), records both
    // outcomes as unknown, and settles each with one follow-up that reads the PBX's answer.
    await eventually(
      async () =>
        expect(await survivor.admin.agent("4301")).toMatchObject({
          status: "paused",
          queueIds: ["2300"],
          confirmed: true,
        }),
      15_000,
      100,
    );
    expect(
      sim
        .calls()
        .map((call) => call.action)
        .sort(),
    ).toEqual(["assign_agent", "assign_agent", "pause", "pause"]);
    const audit = (await survivor.admin.call("GET /audit", { query: { agentId: "4301" } })).body.entries;
    const of = (action: string) => audit.filter((e) => e.action === action).map((e) => [e.actor, e.outcome]);
    expect(of("pause")).toEqual([
      ["system:settle", "ok"],
      ["admin", "unknown"],
    ]);
    expect(of("assign_agent")).toEqual([
      ["system:settle", "converged"],
      ["admin", "unknown"],
    ]);
    expect(audit.find((e) => e.action === "pause" && e.outcome === "unknown")?.detail).toMatch(
      /stopped while waiting/,
    );
  }, 60_000);
});
