// A slow PBX (2 s per call, under the timeouts): writes still succeed, reads never wait for it, and
// /api/health shows the PBX "degraded" (reachable, `slow: true`) until an answer comes back fast again.
import { SLOW_ANSWER_MS } from "../pbx/health.ts";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SseReader, type TestConsole, eventually, startTestConsole } from "../test-support.ts";

const LATENCY_MS = 2000;

let t: TestConsole;
let events: SseReader;

beforeAll(async () => {
  t = await startTestConsole({
    PBX_HEADERS_TIMEOUT_MS: String(LATENCY_MS * 2),
    PBX_BODY_TIMEOUT_MS: String(LATENCY_MS * 2),
    PBX_PROBE_INTERVAL_MS: "100",
  });
  await t.admin.createQueue("2000", "Sales");
  await t.admin.createAgent("3001", "2000");
  events = await SseReader.open(t.admin);
});

afterAll(async () => {
  // Stopping the console ends the live stream; closing the reader first would leave its socket open a while.
  await t?.stop();
  events?.close();
});

const health = async () => (await t.client().call("GET /health")).body;

it("the threshold is below the slow latency and the PBX starts healthy", async () => {
  expect(SLOW_ANSWER_MS).toBeLessThan(LATENCY_MS);
  expect(await health()).toMatchObject({ status: "ok", pbx: { reachable: true, slow: false } });
});

it("a 2 s PBX: the write succeeds, reads don't wait for it, health turns degraded (slow) and is told live", async () => {
  t.pbx.setLatency({ fixedMs: LATENCY_MS });
  const started = performance.now();
  const write = t.admin.call("POST /queues", { body: { id: "2001", name: "Slow" } });
  // While the write waits on the PBX, reads are served from the registry at once.
  await eventually(() => expect(t.pbx.calls().some((call) => call.action === "new_queue")).toBe(true));
  const readStarted = performance.now();
  const [agents, queues] = await Promise.all([t.admin.call("GET /agents"), t.admin.call("GET /queues")]);
  expect(performance.now() - readStarted).toBeLessThan(LATENCY_MS / 2);
  expect(agents.status).toBe(200);
  expect(agents.body.agents.map((agent) => agent.id)).toEqual(["3001"]);
  expect(queues.body.queues.map((queue) => queue.id)).toEqual(["2000"]);

  const reply = await write;
  expect(reply.status).toBe(201);
  expect(performance.now() - started).toBeGreaterThanOrEqual(LATENCY_MS - 50);
  expect(await health()).toMatchObject({
    status: "degraded",
    pbx: { reachable: true, slow: true, lastError: null },
  });
  const event = await events.waitFor((e) => e.event === "health" && e.data.includes('"slow":true'));
  expect(JSON.parse(event.data)).toMatchObject({ type: "health", pbx: { reachable: true, slow: true } });

  // The TCP probe can't measure answers, so it doesn't clear "slow" by itself.
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect((await health()).status).toBe("degraded");
});

it("recovers when the PBX answers fast again: the next write clears it", async () => {
  t.pbx.setLatency({ fixedMs: 0 });
  expect(
    (
      await t.admin.call("PUT /queues/:queueId/agents/:agentId", {
        params: { queueId: "2001", agentId: "3001" },
      })
    ).status,
  ).toBe(200);
  expect(await health()).toMatchObject({ status: "ok", pbx: { reachable: true, slow: false } });
  await events.waitFor((e) => e.event === "health" && e.data.includes('"slow":false'));
});
