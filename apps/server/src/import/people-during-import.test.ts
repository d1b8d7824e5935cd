// A supervisor's click during a bulk import is sent to the PBX at once, not after one of the import's calls
// (decision 038): the PBX client has connections for every import lane and PEOPLE_PBX_CONNECTIONS more.
import { afterAll, beforeAll, expect, it } from "vitest";
import { type TestConsole, eventually, startTestConsole } from "../test-support.ts";

const LATENCY_MS = 1500;
const LANES = 4;

let t: TestConsole;

beforeAll(async () => {
  t = await startTestConsole({
    IMPORT_CONCURRENCY: String(LANES),
    PBX_HEADERS_TIMEOUT_MS: String(LATENCY_MS * 3),
    PBX_BODY_TIMEOUT_MS: String(LATENCY_MS * 3),
  });
  await t.admin.createQueue("2000", "Sales");
  await t.admin.createAgent("3001", "2000");
  expect((await t.admin.state("3001", { action: "login", extension: "301" })).status).toBe(200);
});

afterAll(async () => {
  await t?.stop();
});

it("with every import lane waiting on a slow PBX, a pause reaches the PBX before any import call is answered", async () => {
  t.pbx.setLatency({ fixedMs: LATENCY_MS });
  const csv = [
    "agent_id,agent_name,agent_pass,agent_out_q,queues",
    ...Array.from({ length: LANES * 2 }, (_, i) => `${4000 + i},Agent ${4000 + i},pw-${4000 + i},2000,`),
  ].join("\r\n");
  const started = await t.admin.call("POST /import/:kind", { params: { kind: "agents" }, body: csv });
  expect(started.status).toBe(202);
  const importCalls = await eventually(() => {
    const calls = t.pbx
      .calls()
      .filter((call) => call.action === "new_agent" && call.params.agent_id !== "3001");
    expect(calls).toHaveLength(LANES);
    return calls;
  }, LATENCY_MS / 2);
  const firstAnswerAt = Math.min(...importCalls.map((call) => call.at)) + LATENCY_MS;

  const pause = await t.admin.state("3001", { action: "pause", reason: "Break" });
  expect(pause.status).toBe(200);
  const sent = t.pbx.calls().find((call) => call.action === "pause");
  // Behind the import's sockets it could only have been sent once the first import call was answered.
  expect(sent?.at).toBeLessThan(firstAnswerAt);

  t.pbx.setLatency({ fixedMs: 0 });
  const { jobId } = started.body;
  await eventually(async () => {
    const { body } = await t.admin.call("GET /import/jobs/:jobId", { params: { jobId } });
    expect(body.job).toMatchObject({ status: "done", counts: { done: LANES * 2, failed: 0 } });
  }, 10_000);
});
