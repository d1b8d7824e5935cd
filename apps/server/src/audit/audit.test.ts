// GET /api/audit: every attempted change with who, what, to whom, when and what the PBX answered; filters and
// paging; bad queries refused.
import type { RouteInput } from "@crystal-console/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestConsole, defined, startTestConsole } from "../test-support.ts";

type Entry = {
  id: number;
  at: string;
  actor: string;
  action: string;
  agentId: string | null;
  queueId: string | null;
  params: Record<string, string>;
  pbx: { code: number; message: string } | null;
  outcome: string;
  detail: string | null;
};

let t: TestConsole;
let startedAt: string;

async function audit(
  query: RouteInput<"GET /audit">["query"] = {},
): Promise<{ entries: Entry[]; nextBefore: number | null }> {
  const reply = await t.admin.call("GET /audit", { query });
  expect(reply.status).toBe(200);
  return reply.body;
}

beforeAll(async () => {
  t = await startTestConsole();
  startedAt = new Date().toISOString();
  await t.admin.createQueue("2000", "Sales");
  await t.admin.createAgent("1001", "2000", "pw");
  await t.admin.createSupervisor("sue");
  const sue = t.client();
  await sue.signIn("sue", "supervisor-password-1");
  await sue.call("PUT /queues/:queueId/agents/:agentId", { params: { queueId: "2000", agentId: "1001" } });
  await sue.state("1001", { action: "login", extension: "501" });
  await sue.state("1001", { action: "pause", reason: "Lunch" });
  await t.client().call("POST /session", { body: { username: "sue", password: "wrong password!" } });
});

afterAll(async () => {
  await t?.stop();
});

describe("the audit log", () => {
  it("records each change with actor, target, parameters, the PBX's answer and the outcome, newest first", async () => {
    const { entries } = await audit();
    expect(entries.map((entry) => entry.id)).toEqual([...entries].map((e) => e.id).sort((a, b) => b - a));
    const pause = entries.find((entry) => entry.action === "pause");
    expect(pause).toMatchObject({
      actor: "sue",
      agentId: "1001",
      params: { agid: "1001", reason: "Lunch" },
      pbx: { code: 0, message: "OK pause,1001,501" },
      outcome: "ok",
    });
    expect(Date.parse(defined(pause, "the pause entry").at)).toBeGreaterThanOrEqual(Date.parse(startedAt));
    expect(entries.find((entry) => entry.action === "assign_agent")).toMatchObject({
      actor: "sue",
      agentId: "1001",
      queueId: "2000",
      outcome: "ok",
    });
    expect(entries.find((entry) => entry.action === "new_agent")?.params).toEqual({
      agent_id: "1001",
      agent_name: "Agent 1001",
      agent_out_q: "2000",
      password: "***",
    });
    expect(entries.find((entry) => entry.action === "create_user")).toMatchObject({
      actor: "admin",
      params: { username: "sue", role: "supervisor" },
    });
    expect(entries.find((entry) => entry.action === "sign_in" && entry.outcome === "refused")).toMatchObject({
      actor: "sue",
    });
  });

  it("filters by actor, agent, queue and action", async () => {
    const bySue = await audit({ actor: "sue" });
    expect(bySue.entries.length).toBeGreaterThanOrEqual(4);
    expect(bySue.entries.every((entry) => entry.actor === "sue")).toBe(true);
    const byQueue = await audit({ queueId: "2000" });
    expect(byQueue.entries.map((entry) => entry.action).sort()).toEqual(["assign_agent", "new_queue"]);
    const byAgentAndAction = await audit({ agentId: "1001", action: "login" });
    expect(byAgentAndAction.entries).toHaveLength(1);
    expect(byAgentAndAction.entries[0]).toMatchObject({ action: "login", params: { agext: "501" } });
  });

  it("filters by time", async () => {
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await audit({ from: future })).entries).toEqual([]);
    expect((await audit({ to: startedAt })).entries.every((e) => e.at <= startedAt)).toBe(true);
  });

  it("pages backwards with limit and before, without gaps or repeats", async () => {
    const all = (await audit({ limit: 500 })).entries.map((entry) => entry.id);
    const seen: number[] = [];
    let before: number | null = null;
    do {
      const page: { entries: Entry[]; nextBefore: number | null } = await audit({
        limit: 3,
        before: before ?? undefined,
      });
      expect(page.entries.length).toBeLessThanOrEqual(3);
      seen.push(...page.entries.map((entry) => entry.id));
      before = page.nextBefore;
    } while (before !== null);
    expect(seen).toEqual(all);
  });

  it.each([
    ["?agentId=abc", "agentId"],
    ["?queueId=12345678901", "queueId"],
    ["?limit=501", "limit"],
    ["?limit=0", "limit"],
    ["?from=yesterday", "from"],
    ["?before=-3", "before"],
  ])("%s → 400 naming %s", async (query, field) => {
    const reply = await t.admin.unchecked("GET /audit", {
      query: Object.fromEntries(new URLSearchParams(query)),
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error.fields).toHaveProperty(field);
  });
});
