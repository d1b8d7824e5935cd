// A day's timeline (GET /api/reports/timeline) from a scripted day against the simulator, on a controlled
// clock (Vitest fakes only `Date`, as in agents/history.test.ts): which agents it shows, their intervals,
// the queue filter, the cap, the day cut in the time zone, bad input and roles.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { dayTimeline } from "../registry/timeline.ts";
import { type Client, SUPERVISOR_PASSWORD, type TestConsole, startTestConsole } from "../test-support.ts";
import { timelineReport } from "./timeline.ts";

let t: TestConsole;
let supervisor: Client;
let viewer: Client;
const DAY = "2026-07-01";
const setClock = (iso: string) => vi.setSystemTime(new Date(iso));
const at = (time: string) => `${DAY}T${time}:00.000Z`;

/** Agents 4201 and 4202 in queue 2100 work the day; 4203 (queue 2101) the evening before; 4204 never. */
async function scriptedDay() {
  setClock("2026-06-30T20:00:00Z");
  for (const [id, queue] of [
    ["4201", "2100"],
    ["4202", "2100"],
    ["4203", "2101"],
    ["4204", "2100"],
  ] as const) {
    await t.admin.createAgent(id, queue);
    expect(
      (
        await t.admin.call("PUT /queues/:queueId/agents/:agentId", {
          params: { queueId: queue, agentId: id },
        })
      ).status,
    ).toBe(200);
  }
  expect((await t.admin.state("4203", { action: "login", extension: "621" })).status).toBe(200);
  setClock("2026-06-30T22:00:00Z");
  expect((await t.admin.state("4203", { action: "logoff" })).status).toBe(200);
  setClock(at("08:00"));
  expect((await supervisor.state("4201", { action: "login", extension: "622" })).status).toBe(200);
  setClock(at("09:00"));
  expect((await supervisor.state("4201", { action: "pause", reason: "Break" })).status).toBe(200);
  setClock(at("09:15"));
  expect((await supervisor.state("4201", { action: "online" })).status).toBe(200);
  setClock(at("10:00"));
  expect((await supervisor.state("4202", { action: "login", extension: "623" })).status).toBe(200);
  setClock(at("11:00"));
  expect((await supervisor.state("4202", { action: "mission" })).status).toBe(200);
  setClock(at("12:00"));
  expect((await supervisor.state("4201", { action: "logoff" })).status).toBe(200);
  // 4202 stays on its mission: its interval is still open when the day is asked for.
  setClock(at("13:00"));
}

beforeAll(async () => {
  t = await startTestConsole({ TIME_ZONE: "UTC" });
  await t.admin.createQueue("2100");
  await t.admin.createQueue("2101");
  await t.admin.createSupervisor("day-sup");
  supervisor = t.client();
  await supervisor.signIn("day-sup", "supervisor-password-1");
  await t.admin.createUser("day-viewer", "viewer", SUPERVISOR_PASSWORD);
  viewer = t.client();
  await viewer.signIn("day-viewer", SUPERVISOR_PASSWORD);
  vi.useFakeTimers({ toFake: ["Date"] });
  await scriptedDay();
});

afterAll(async () => {
  vi.useRealTimers();
  await t?.stop();
});

const timeline = (client: Client, query: { date: string; queueId?: string }) =>
  client.call("GET /reports/timeline", { query });
const summary = (intervals: { status: string; reason: string | null; from: string; to: string | null }[]) =>
  intervals.map((i) => [i.status, i.reason, i.from, i.to]);

describe("a day's timeline", () => {
  it("answers each agent logged in that day with its intervals, in id order", async () => {
    const reply = await timeline(supervisor, { date: DAY });
    expect(reply.status).toBe(200);
    const { agents, ...day } = reply.body;
    expect(day).toEqual({
      date: DAY,
      timeZone: "UTC",
      from: at("00:00"),
      to: "2026-07-02T00:00:00.000Z",
      hours: 24,
      agentCount: 2,
      limit: 50,
    });
    expect(agents.map((a) => a.agentId)).toEqual(["4201", "4202"]);
    const [first, second] = agents;
    expect(first?.name).toBe("Agent 4201");
    expect(summary(first?.intervals ?? [])).toEqual([
      ["logged_off", null, "2026-06-30T20:00:00.000Z", at("08:00")],
      ["online", null, at("08:00"), at("09:00")],
      ["paused", "Break", at("09:00"), at("09:15")],
      ["online", null, at("09:15"), at("12:00")],
      ["logged_off", null, at("12:00"), null],
    ]);
    expect(first?.intervals[1]).toMatchObject({ extension: "622", confirmed: true });
    expect(summary(second?.intervals ?? []).slice(1)).toEqual([
      ["online", null, at("10:00"), at("11:00")],
      ["mission", null, at("11:00"), null],
    ]);
  });

  it("keeps the agents of one queue, and the agent logged in the evening before on its own day", async () => {
    const other = await timeline(supervisor, { date: DAY, queueId: "2101" });
    expect(other.body).toMatchObject({ agentCount: 0, agents: [] });
    const before = await timeline(supervisor, { date: "2026-06-30", queueId: "2101" });
    expect(before.body.agents.map((a) => a.agentId)).toEqual(["4203"]);
    const home = await timeline(supervisor, { date: DAY, queueId: "2100" });
    expect(home.body.agents.map((a) => a.agentId)).toEqual(["4201", "4202"]);
  });

  it("shows at most the limit, the first agents by id, and counts them all", async () => {
    const day = { from: Date.parse(at("00:00")), to: Date.parse("2026-07-02T00:00:00Z") };
    const capped = await dayTimeline(t.deps.db, { ...day, limit: 1 });
    expect(capped.agentCount).toBe(2);
    expect(capped.agents.map((a) => a.agentId)).toEqual(["4201"]);
  });

  it("cuts the day in the call centre's time zone", async () => {
    const settings = { timeZone: "Asia/Jerusalem", retentionDays: 400 };
    // Midnight in Jerusalem (UTC+3 in July) is 21:00 UTC the evening before: 4203's login falls in it.
    const day = await timelineReport(t.deps.db, settings, { date: DAY });
    expect(day).toMatchObject({ from: "2026-06-30T21:00:00.000Z", to: at("21:00"), hours: 24 });
    expect(day.agents.map((a) => a.agentId)).toEqual(["4201", "4202", "4203"]);
    const spring = await timelineReport(
      t.deps.db,
      { ...settings, timeZone: "Europe/Berlin" },
      {
        date: "2026-03-29",
      },
    );
    expect(spring.hours).toBe(23);
  });

  it("refuses bad input naming the field, and every role but admin and supervisor", async () => {
    const notADate = await supervisor.unchecked("GET /reports/timeline", { query: { date: "July" } });
    expect(notADate.status).toBe(400);
    expect(notADate.body.error.fields).toHaveProperty("date");
    const noDate = await supervisor.unchecked("GET /reports/timeline", { query: {} });
    expect(noDate.status).toBe(400);
    expect(noDate.body.error.fields).toHaveProperty("date");
    const badQueue = await supervisor.unchecked("GET /reports/timeline", {
      query: { date: DAY, queueId: "0x1" },
    });
    expect(badQueue.status).toBe(400);
    expect(badQueue.body.error.fields).toHaveProperty("queueId");
    expect((await timeline(t.admin, { date: DAY })).status).toBe(200);
    expect((await timeline(viewer, { date: DAY })).status).toBe(403);
    expect((await timeline(t.client(), { date: DAY })).status).toBe(401);
  });
});
