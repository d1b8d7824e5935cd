// GET /metrics: Prometheus text for operators when METRICS=true, and nothing of the kind otherwise.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestConsole, startTestConsole } from "./test-support.ts";

describe("with METRICS=true", () => {
  let t: TestConsole;
  beforeAll(async () => {
    t = await startTestConsole({ METRICS: "true" });
  });
  afterAll(() => t?.stop());

  it("counts PBX calls by action and result, with latency, sessions and live streams", async () => {
    await t.admin.createQueue("2000", "Sales");
    // Refused by the console itself, before any PBX call: not counted.
    expect((await t.admin.call("POST /queues", { body: { id: "2000", name: "Again" } })).status).toBe(409);
    const response = await fetch(`${t.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await response.text();
    // Every series names the console instance (several may share one database).
    const instance = `console_instance="${t.deps.instanceId}"`;
    expect(text).toContain(`\ncrystal_pbx_calls_total{action="new_queue",result="created",${instance}} 1\n`);
    expect(text).toContain(`\ncrystal_pbx_call_duration_seconds_count{${instance},action="new_queue"} 1\n`);
    expect(text).toContain(`\ncrystal_active_sessions{${instance}} 1\n`);
    expect(text).toContain(`\ncrystal_sse_clients{${instance}} 0\n`);
    expect(text).toContain(`\ncrystal_sse_flush_seconds_count{${instance}} 0\n`);
    expect(text).not.toContain(t.pbx.secure);
  });
});

describe("without METRICS", () => {
  let t: TestConsole;
  beforeAll(async () => {
    t = await startTestConsole({ WEB_DIST: "/nonexistent" });
  });
  afterAll(() => t?.stop());

  it("serves no metrics", async () => {
    await t.admin.createQueue("2000", "Sales");
    const text = await (await fetch(`${t.url}/metrics`)).text();
    expect(text).not.toContain("crystal_pbx_calls_total");
  });
});
