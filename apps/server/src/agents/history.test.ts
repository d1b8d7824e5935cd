// State history and the agent-time report (issue 12) from a scripted shift against the simulator, on a controlled clock: Vitest fakes
// only `Date` (every time the registry records is read from it), so timers, undici's timeouts and the settle
// loop run in real time while the console's clock is set step by step.
import type { AgentTimeQuery } from "@crystal-console/api";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { agentTimeReport } from "../reports/agent-time.ts";
import { type Client, type TestConsole, eventually, startTestConsole } from "../test-support.ts";

let t: TestConsole;
let supervisor: Client;
let agent: Client;
const ID = "4100";
const DAY = "2026-06-01";
const at = (time: string) => new Date(`${DAY}T${time}:00.000Z`);
const setClock = (time: string) => vi.setSystemTime(at(time));

/** The shift, step by step, each at its time (UTC): what the totals of the report tests add up. */
async function scriptedShift() {
  setClock("06:00");
  await t.admin.createAgent(ID, "2000", "agent-pass-1");
  setClock("07:00");
  await agent.signIn(ID, "agent-pass-1");
  expect((await agent.state(ID, { action: "login", extension: "601" })).status).toBe(200);
  setClock("08:00");
  expect((await supervisor.state(ID, { action: "pause", reason: "Break" })).status).toBe(200);
  setClock("08:15");
  expect((await supervisor.state(ID, { action: "online" })).status).toBe(200);
  setClock("09:00");
  expect((await agent.state(ID, { action: "pause", reason: "Lunch" })).status).toBe(200);
  setClock("09:45");
  expect((await agent.state(ID, { action: "online" })).status).toBe(200);
  setClock("10:00");
  expect((await supervisor.state(ID, { action: "mission" })).status).toBe(200);
  // An unknown outcome: the PBX takes the pause but never answers; the follow-up, due later, settles it.
  setClock("10:30");
  t.pbx.injectFault({ kind: "hang", actions: ["pause"] });
  expect((await supervisor.state(ID, { action: "pause", reason: "Break" })).status).toBe(504);
  setClock("10:40");
  await eventually(async () => expect(await t.admin.agent(ID)).toMatchObject({ confirmed: true }), 10_000);
  setClock("11:00");
  expect((await supervisor.state(ID, { action: "online" })).status).toBe(200);
  setClock("12:00");
  expect((await supervisor.state(ID, { action: "logoff" })).status).toBe(200);
  // Logged in on the phone, behind the console's back; learned from answer 5 when the supervisor logs it in.
  setClock("12:10");
  t.pbx.phone({ agentId: ID, action: "login", extension: "602" });
  setClock("12:30");
  expect((await supervisor.state(ID, { action: "login", extension: "601" })).status).toBe(409);
  setClock("13:00");
  expect((await supervisor.state(ID, { action: "logoff" })).status).toBe(200);
  setClock("14:00");
}

/** Logged in from noon UTC on 28 March 2026 to noon on the 30th: across Europe's change to summer time. */
async function acrossDaylightSaving() {
  vi.setSystemTime(new Date("2026-03-28T12:00:00Z"));
  await t.admin.createAgent(DST_ID, "2000");
  expect((await t.admin.state(DST_ID, { action: "login", extension: "611" })).status).toBe(200);
  vi.setSystemTime(new Date("2026-03-30T12:00:00Z"));
  expect((await t.admin.state(DST_ID, { action: "logoff" })).status).toBe(200);
}
const DST_ID = "4150";

beforeAll(async () => {
  t = await startTestConsole({
    PBX_HEADERS_TIMEOUT_MS: "300",
    PBX_SETTLE_DELAY_MS: "200",
    TIME_ZONE: "UTC",
    HISTORY_RETENTION_DAYS: "30",
  });
  await t.admin.createQueue("2000");
  await t.admin.createSupervisor("shift-sup");
  supervisor = t.client();
  await supervisor.signIn("shift-sup", "supervisor-password-1");
  agent = t.client();
  vi.useFakeTimers({ toFake: ["Date"] });
  await acrossDaylightSaving();
  await scriptedShift();
});

afterAll(async () => {
  vi.useRealTimers();
  await t?.stop();
});

const history = (client: Client, id: string, from: string, to: string) =>
  client.call("GET /agents/:id/history", { params: { id }, query: { from, to } });

describe("state history", () => {
  it("records every interval of the shift, with its cause, confirmation and late boundaries", async () => {
    const reply = await history(supervisor, ID, at("00:00").toISOString(), at("23:59").toISOString());
    expect(reply.status).toBe(200);
    const rows = reply.body.intervals.map((i) => ({
      status: i.status,
      reason: i.reason,
      extension: i.extension,
      from: i.from.slice(11, 16),
      to: i.to?.slice(11, 16) ?? null,
      confirmed: i.confirmed,
      late: `${i.fromLate ? "L" : "-"}${i.toLate ? "L" : "-"}`,
      cause: i.by.cause,
    }));
    const row = (status: string, from: string, to: string | null, extra: Record<string, unknown> = {}) => ({
      status,
      reason: null,
      extension: null,
      from,
      to,
      confirmed: true,
      late: "--",
      cause: "person",
      ...extra,
    });
    expect(rows).toEqual([
      row("logged_off", "06:00", "07:00"),
      row("online", "07:00", "08:00", { extension: "601", cause: "agent" }),
      row("paused", "08:00", "08:15", { extension: "601", reason: "Break" }),
      row("online", "08:15", "09:00", { extension: "601" }),
      row("paused", "09:00", "09:45", { extension: "601", reason: "Lunch", cause: "agent" }),
      row("online", "09:45", "10:00", { extension: "601", cause: "agent" }),
      row("mission", "10:00", "10:30", { extension: "601" }),
      // The pause that got no answer: the mission goes on, unconfirmed, until the follow-up learns the pause.
      row("mission", "10:30", "10:40", { extension: "601", confirmed: false, late: "-L" }),
      row("paused", "10:40", "11:00", { extension: "601", reason: "Break", cause: "settle", late: "L-" }),
      row("online", "11:00", "12:00", { extension: "601" }),
      // Answer 5 at 12:30: logged in since some time the console cannot know, at an extension it did not name.
      row("logged_off", "12:00", "12:30", { late: "-L" }),
      row("online", "12:30", "13:00", { confirmed: false, cause: "correction", late: "L-" }),
      row("logged_off", "13:00", null),
    ]);
    expect(reply.body.intervals[1]?.by.actor).toBe(ID);
    expect(reply.body.intervals[2]?.by.actor).toBe("shift-sup");
  });

  it("answers only the intervals that overlap the range", async () => {
    const reply = await history(supervisor, ID, at("08:10").toISOString(), at("09:00").toISOString());
    expect(reply.body.intervals.map((i) => [i.status, i.from.slice(11, 16)])).toEqual([
      ["paused", "08:00"],
      ["online", "08:15"],
    ]);
  });

  it("refuses a bad range with 400 naming the field", async () => {
    const backwards = await history(supervisor, ID, at("10:00").toISOString(), at("09:00").toISOString());
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.fields).toHaveProperty("to");
    const garbage = await supervisor.unchecked("GET /agents/:id/history", {
      params: { id: ID },
      query: { from: "yesterday", to: at("09:00").toISOString() },
    });
    expect(garbage.status).toBe(400);
    expect(garbage.body.error.fields).toHaveProperty("from");
    const missing = await supervisor.unchecked("GET /agents/:id/history", { params: { id: ID } });
    expect(missing.status).toBe(400);
    expect(Object.keys(missing.body.error.fields ?? {}).sort()).toEqual(["from", "to"]);
    const tooLong = await history(supervisor, ID, "2025-01-01T00:00:00Z", "2026-06-01T00:00:00Z");
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.fields).toHaveProperty("to");
  });

  it("lets admins and supervisors see anyone's, an agent only its own", async () => {
    const range = [at("00:00").toISOString(), at("23:00").toISOString()] as const;
    expect((await history(t.admin, ID, ...range)).status).toBe(200);
    expect((await history(agent, ID, ...range)).status).toBe(200);
    await t.admin.createAgent("4101", "2000", "agent-pass-2");
    expect((await history(agent, "4101", ...range)).status).toBe(403);
    expect((await history(supervisor, "4199", ...range)).status).toBe(404);
    expect((await history(t.client(), ID, ...range)).status).toBe(401);
  });
});

describe("the agent-time report", () => {
  const report = (client: Client, query: AgentTimeQuery) => client.call("GET /reports/agent-time", { query });
  /** A query the contract does not allow: the server must refuse it. */
  const badReport = (query: Record<string, string>) =>
    supervisor.unchecked("GET /reports/agent-time", { query });
  const oneDay = { from: DAY, to: DAY };

  it("adds up the shift to the expected seconds", async () => {
    const reply = await report(supervisor, oneDay);
    expect(reply.status).toBe(200);
    const body = reply.body;
    expect(body).toMatchObject({
      from: `${DAY}T00:00:00.000Z`,
      to: "2026-06-02T00:00:00.000Z",
      timeZone: "UTC",
      days: [{ date: DAY, hours: 24 }],
      retention: { days: 30, startsBeforeRetention: false },
    });
    expect(body.agents.find((a) => a.agentId === ID)).toEqual({
      agentId: ID,
      name: `Agent ${ID}`,
      // 07:00-12:00 and 12:30-13:00
      loggedInSeconds: 19_800,
      onlineSeconds: 3600 + 2700 + 900 + 3600 + 1800,
      pausedSeconds: 900 + 2700 + 1200,
      missionSeconds: 1800 + 600,
      // the mission while the pause went unanswered, and the login learned from answer 5
      unconfirmedSeconds: 600 + 1800,
      pauses: [
        { reason: "Lunch", count: 1, seconds: 2700, longestSeconds: 2700 },
        { reason: "Break", count: 2, seconds: 2100, longestSeconds: 1200 },
      ],
      firstLoginAt: `${DAY}T07:00:00.000Z`,
      lastLogoffAt: `${DAY}T13:00:00.000Z`,
    });
  });

  it("filters by the queue's members", async () => {
    await t.admin.createQueue("2001");
    const membership = await t.admin.call("PUT /queues/:queueId/agents/:agentId", {
      params: { queueId: "2000", agentId: ID },
    });
    expect(membership.status).toBe(200);
    const other = await report(supervisor, { ...oneDay, queueId: "2001" });
    expect(other.status).toBe(200);
    expect(other.body.agents).toEqual([]);
    const home = await report(supervisor, { ...oneDay, queueId: "2000" });
    expect(home.body.agents.map((a) => a.agentId)).toContain(ID);
  });

  it("cuts days in the call centre's time zone: the day summer time starts has 23 hours", async () => {
    const settings = { timeZone: "Europe/Berlin", retentionDays: 400 };
    const day = await agentTimeReport(t.deps.db, settings, { from: "2026-03-29", to: "2026-03-29" });
    expect(day.days).toEqual([{ date: "2026-03-29", hours: 23 }]);
    expect(day.from).toBe("2026-03-28T23:00:00.000Z");
    expect(day.to).toBe("2026-03-29T22:00:00.000Z");
    expect(day.agents.find((a) => a.agentId === DST_ID)?.loggedInSeconds).toBe(23 * 3600);
    const autumn = await agentTimeReport(t.deps.db, settings, { from: "2026-10-24", to: "2026-10-26" });
    expect(autumn.days.map((d) => d.hours)).toEqual([24, 25, 24]);
  });

  it("says when the range starts before the history kept", async () => {
    const reply = await report(supervisor, { from: "2026-04-15", to: "2026-06-01" });
    expect(reply.body.retention).toEqual({
      days: 30,
      oldestKept: "2026-05-02T14:00:00.000Z",
      startsBeforeRetention: true,
    });
  });

  it("answers the same as CSV, through the neutralising writer", async () => {
    const reply = await supervisor.call("GET /reports/agent-time.csv", { query: oneDay });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toContain("text/csv");
    const [header, ...lines] = reply.text
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(header).toBe(
      "agent_id,name,logged_in_seconds,online_seconds,paused_seconds,mission_seconds,unconfirmed_seconds," +
        "first_login_at,last_logoff_at,pause_Break_count,pause_Break_seconds,pause_Break_longest_seconds," +
        "pause_Lunch_count,pause_Lunch_seconds,pause_Lunch_longest_seconds",
    );
    expect(lines).toContain(
      `${ID},Agent ${ID},19800,12600,4800,2400,2400,${DAY}T07:00:00.000Z,${DAY}T13:00:00.000Z,2,2100,1200,1,2700,2700`,
    );
  });

  it("answers each agent's totals per day, and the same as CSV by day", async () => {
    const reply = await report(supervisor, { from: "2026-03-28", to: "2026-03-30" });
    expect(reply.status).toBe(200);
    const days = reply.body.agentDays.filter((row) => row.agentId === DST_ID);
    // Logged in from noon on the 28th to noon on the 30th (UTC).
    expect(days.map((row) => [row.date, row.loggedInSeconds, row.onlineSeconds])).toEqual([
      ["2026-03-28", 12 * 3600, 12 * 3600],
      ["2026-03-29", 24 * 3600, 24 * 3600],
      ["2026-03-30", 12 * 3600, 12 * 3600],
    ]);
    const shift = await report(supervisor, oneDay);
    expect(shift.body.agentDays.find((row) => row.agentId === ID)).toEqual({
      agentId: ID,
      date: DAY,
      loggedInSeconds: 19_800,
      onlineSeconds: 12_600,
      pausedSeconds: 4800,
      missionSeconds: 2400,
      unconfirmedSeconds: 2400,
    });
    const csv = await supervisor.call("GET /reports/agent-time.csv", { query: { ...oneDay, by: "day" } });
    expect(csv.status).toBe(200);
    const [header, ...lines] = csv.text
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(header).toBe(
      "agent_id,date,logged_in_seconds,online_seconds,paused_seconds,mission_seconds,unconfirmed_seconds",
    );
    expect(lines).toContain(`${ID},${DAY},19800,12600,4800,2400,2400`);
    const badBy = await supervisor.unchecked("GET /reports/agent-time.csv", {
      query: { ...oneDay, by: "week" },
    });
    expect(badBy.status).toBe(400);
    expect(badBy.body.error.fields).toHaveProperty("by");
  });

  it("refuses bad ranges naming the field, and every role but admin and supervisor", async () => {
    const backwards = await report(supervisor, { from: "2026-06-02", to: "2026-06-01" });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.fields).toHaveProperty("to");
    const notADate = await badReport({ from: "June", to: "2026-06-01" });
    expect(notADate.status).toBe(400);
    expect(notADate.body.error.fields).toHaveProperty("from");
    const badQueue = await badReport({ ...oneDay, queueId: "0x1" });
    expect(badQueue.status).toBe(400);
    expect(badQueue.body.error.fields).toHaveProperty("queueId");
    expect((await report(t.admin, oneDay)).status).toBe(200);
    expect((await report(agent, oneDay)).status).toBe(403);
    expect((await agent.call("GET /reports/agent-time.csv", { query: oneDay })).status).toBe(403);
    expect((await report(t.client(), oneDay)).status).toBe(401);
  });
});

describe("retention", () => {
  it("prunes intervals that ended before the retention limit, keeping each agent's current one", async () => {
    const march = () =>
      history(supervisor, DST_ID, "2026-03-01T00:00:00Z", "2026-06-02T00:00:00Z").then(
        (r) => r.body.intervals,
      );
    expect((await march()).map((i) => i.status)).toEqual(["logged_off", "online", "logged_off"]);
    // 30 days before 1 June: everything of March that has ended goes; the shift of 1 June stays.
    expect(await t.historyPruner.prune()).toBe(2);
    expect((await march()).map((i) => [i.status, i.from])).toEqual([
      ["logged_off", "2026-03-30T12:00:00.000Z"],
    ]);
    const shift = await history(supervisor, ID, at("00:00").toISOString(), at("23:59").toISOString());
    expect(shift.body.intervals).toHaveLength(13);
    expect(await t.historyPruner.prune()).toBe(0);
  });
});
