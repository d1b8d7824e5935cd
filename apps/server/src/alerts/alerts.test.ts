// Policy and alerts against the simulator: a pause past its reason's limit becomes an alert and an `alert`
// event when the limit passes (by time alone) and ends when the agent goes online; a queue below its
// minimum of online agents likewise; the policy is validated (400 naming the field) and audited.
import type { Alert, ApiError, ConsoleEvent, Policy } from "@crystal-console/api";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type Client,
  SseReader,
  type SseEvent,
  type TestConsole,
  eventually,
  startTestConsole,
} from "../test-support.ts";

let t: TestConsole;
let viewer: Client;
const open: SseReader[] = [];

type AlertEvent = Extract<ConsoleEvent, { type: "alert" }>;
const alertEvent = (event: SseEvent) => JSON.parse(event.data) as AlertEvent;
const isAlert = (state: AlertEvent["state"], kind: Alert["kind"], id: string) => (event: SseEvent) => {
  if (event.event !== "alert") return false;
  const { state: seen, alert } = alertEvent(event);
  const subject = alert.kind === "pause_overdue" ? alert.agentId : alert.queueId;
  return seen === state && alert.kind === kind && subject === id;
};

async function alerts(client: Client): Promise<Alert[]> {
  const reply = await client.call("GET /alerts");
  if (reply.status !== 200 || !("alerts" in reply.body)) throw new Error(`GET /alerts: ${reply.status}`);
  return reply.body.alerts;
}

/** Sets the policy as the admin; the alert tests start from it. */
async function setPolicy(policy: Policy): Promise<void> {
  expect((await t.admin.call("PUT /policy", { body: policy })).status).toBe(200);
}

async function stream(client: Client) {
  const reader = await SseReader.open(client);
  open.push(reader);
  return reader;
}

beforeAll(async () => {
  t = await startTestConsole();
  await t.admin.createQueue("2000", "Sales");
  await t.admin.createQueue("2001", "Support");
  for (const id of ["1001", "1002", "1003"]) await t.admin.createAgent(id, "2000");
  for (const id of ["1002", "1003"])
    expect(
      (
        await t.admin.call("PUT /queues/:queueId/agents/:agentId", {
          params: { queueId: "2001", agentId: id },
        })
      ).status,
    ).toBe(200);
  await t.admin.createUser("vera", "viewer", "viewer-password-1");
  viewer = t.client();
  await viewer.signIn("vera", "viewer-password-1");
});

afterEach(async () => {
  for (const reader of open.splice(0)) reader.close();
  expect(
    (await t.admin.call("PUT /policy", { body: { pauseLimitSeconds: {}, queueMinimumOnline: {} } })).status,
  ).toBe(200);
  for (const id of ["1001", "1002", "1003"]) await t.admin.state(id, { action: "logoff" });
  await eventually(async () => expect(await alerts(t.admin)).toEqual([]));
});

afterAll(async () => {
  await t?.stop();
});

describe("the policy", () => {
  it("is stored, read back by anyone who watches the board, and audited", async () => {
    const policy = { pauseLimitSeconds: { Break: 900, Lunch: 2700 }, queueMinimumOnline: { "2000": 3 } };
    const saved = await t.admin.call("PUT /policy", { body: policy });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ policy });
    expect((await viewer.call("GET /policy")).body).toEqual({ policy });
    const audit = await t.admin.call("GET /audit", { query: { action: "set_policy" } });
    expect(audit.body).toHaveProperty("entries.0");
    expect((audit.body as { entries: unknown[] }).entries[0]).toMatchObject({
      actor: "admin",
      outcome: "ok",
      params: {
        "pauseLimitSeconds.Break": "900",
        "pauseLimitSeconds.Lunch": "2700",
        "queueMinimumOnline.2000": "3",
      },
    });
  });

  it.each([
    [{ pauseLimitSeconds: { Break: 0 }, queueMinimumOnline: {} }, "pauseLimitSeconds.Break", "too_short"],
    [{ pauseLimitSeconds: { Break: 1.5 }, queueMinimumOnline: {} }, "pauseLimitSeconds.Break", "invalid"],
    [{ pauseLimitSeconds: { Break: "900" }, queueMinimumOnline: {} }, "pauseLimitSeconds.Break", "invalid"],
    [{ pauseLimitSeconds: { Nap: 60 }, queueMinimumOnline: {} }, "pauseLimitSeconds.Nap", "unlisted_reason"],
    [
      { pauseLimitSeconds: {}, queueMinimumOnline: { "9999": 2 } },
      "queueMinimumOnline.9999",
      "unknown_queue",
    ],
    [{ pauseLimitSeconds: {}, queueMinimumOnline: { abc: 2 } }, "queueMinimumOnline.abc", "invalid"],
    [{ pauseLimitSeconds: {} }, "queueMinimumOnline", "required"],
  ])("refuses %j with 400 naming %s, and keeps the policy it had", async (body, field, reason) => {
    const before = (await t.admin.call("GET /policy")).body;
    const reply = await t.admin.unchecked("PUT /policy", { body });
    expect(reply.status).toBe(400);
    const { error } = reply.body as ApiError;
    expect(error.code).toBe("VALIDATION");
    expect(Object.keys(error.fields ?? {})).toContain(field);
    expect(error.reasons?.[field]).toBe(reason);
    expect((await t.admin.call("GET /policy")).body).toEqual(before);
  });
});

describe("alerts", () => {
  it("a pause past its limit becomes an alert and an event at the limit, by time alone, and ends when the agent goes online", async () => {
    await setPolicy({ pauseLimitSeconds: { Break: 1 }, queueMinimumOnline: {} });
    const events = await stream(viewer);
    expect((await t.admin.state("1001", { action: "login", extension: "501" })).status).toBe(200);
    const paused = await t.admin.state("1001", { action: "pause", reason: "Break" });
    expect(paused.status).toBe(200);
    if (!("agent" in paused.body)) throw new Error("the pause was refused");
    const pausedAt = Date.parse(paused.body.agent.statusSince);
    // Before the limit: nothing.
    expect(await alerts(viewer)).toEqual([]);

    const started = alertEvent(await events.waitFor(isAlert("started", "pause_overdue", "1001"), 5000));
    const expected = {
      kind: "pause_overdue",
      agentId: "1001",
      reason: "Break",
      limitSeconds: 1,
      since: new Date(pausedAt + 1000).toISOString(),
    };
    expect(started.alert).toEqual(expected);
    // Announced at the limit, not before it (the timer aims at it; a little after is the event loop).
    expect(Date.now()).toBeGreaterThanOrEqual(pausedAt + 1000);
    expect(await alerts(viewer)).toEqual([expected]);

    expect((await t.admin.state("1001", { action: "online" })).status).toBe(200);
    expect(alertEvent(await events.waitFor(isAlert("ended", "pause_overdue", "1001"), 3000)).alert).toEqual(
      expected,
    );
    expect(await alerts(viewer)).toEqual([]);
  });

  it("an alert whose start or end could not be recorded (the registry briefly unavailable) is recorded and announced at the next review", async () => {
    await setPolicy({ pauseLimitSeconds: { Break: 1 }, queueMinimumOnline: {} });
    const events = await stream(viewer);
    // The alerts table goes away for a moment: every write of the monitor fails, and nothing else does.
    const away = () => t.deps.db.schema.alterTable("alerts").renameTo("alerts_away").execute();
    const back = () => t.deps.db.schema.alterTable("alerts_away").renameTo("alerts").execute();
    await t.admin.state("1001", { action: "login", extension: "501" });
    const paused = await t.admin.state("1001", { action: "pause", reason: "Break" });
    if (!("agent" in paused.body)) throw new Error("the pause was refused");
    const overdueAt = Date.parse(paused.body.agent.statusSince) + 1000;
    const expected = {
      kind: "pause_overdue",
      agentId: "1001",
      reason: "Break",
      limitSeconds: 1,
      since: new Date(overdueAt).toISOString(),
    };
    await away();
    try {
      // The limit passes while the table is away: the monitor's write of the start fails.
      await new Promise((resolve) => setTimeout(resolve, overdueAt + 150 - Date.now()));
      await t.deps.alerts.settled();
    } finally {
      await back();
    }
    expect(events.events.filter((event) => event.event === "alert")).toEqual([]);
    expect(await alerts(viewer)).toEqual([]);
    // Written again once the registry is back, and announced then.
    const started = alertEvent(await events.waitFor(isAlert("started", "pause_overdue", "1001"), 3000));
    expect(started.alert).toEqual(expected);
    expect(await alerts(viewer)).toEqual([expected]);

    await away();
    try {
      expect((await t.admin.state("1001", { action: "online" })).status).toBe(200);
      await t.deps.alerts.settled();
    } finally {
      await back();
    }
    // The end failed too: still in the table until the next review writes it.
    const ended = alertEvent(await events.waitFor(isAlert("ended", "pause_overdue", "1001"), 3000));
    expect(ended.alert).toEqual(expected);
    expect(await alerts(viewer)).toEqual([]);
    expect(events.events.filter((event) => event.event === "alert")).toHaveLength(2);
  });

  it("a pause without a reason past its own limit becomes an alert and an event at the limit, and ends when the agent goes online; a pause with a reason is not held to it", async () => {
    const policy = { pauseLimitSeconds: {}, noReasonLimitSeconds: 1, queueMinimumOnline: {} };
    const saved = await t.admin.call("PUT /policy", { body: policy });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ policy });
    const audit = await t.admin.call("GET /audit", { query: { action: "set_policy" } });
    expect((audit.body as { entries: { params: unknown }[] }).entries[0]?.params).toEqual({
      noReasonLimitSeconds: "1",
    });
    const events = await stream(viewer);
    await t.admin.state("1003", { action: "login", extension: "503" });
    await t.admin.state("1003", { action: "pause", reason: "Break" });
    await t.admin.state("1002", { action: "login", extension: "502" });
    const paused = await t.admin.state("1002", { action: "pause" });
    if (!("agent" in paused.body)) throw new Error("the pause was refused");
    expect(paused.body.agent.pauseReason).toBeNull();
    const pausedAt = Date.parse(paused.body.agent.statusSince);
    const expected = {
      kind: "pause_overdue",
      agentId: "1002",
      reason: null,
      limitSeconds: 1,
      since: new Date(pausedAt + 1000).toISOString(),
    };
    const started = alertEvent(await events.waitFor(isAlert("started", "pause_overdue", "1002"), 5000));
    expect(started.alert).toEqual(expected);
    expect(Date.now()).toBeGreaterThanOrEqual(pausedAt + 1000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Only the pause without a reason: 1003's Break has no limit.
    expect(await alerts(viewer)).toEqual([expected]);

    expect((await t.admin.state("1002", { action: "online" })).status).toBe(200);
    expect(alertEvent(await events.waitFor(isAlert("ended", "pause_overdue", "1002"), 3000)).alert).toEqual(
      expected,
    );
    expect(await alerts(viewer)).toEqual([]);
  });

  it.each([0, 1.5, 86_401, "60"])(
    "refuses a limit of %j for a pause without a reason with 400",
    async (value) => {
      const reply = await t.admin.unchecked("PUT /policy", {
        body: { pauseLimitSeconds: {}, noReasonLimitSeconds: value, queueMinimumOnline: {} },
      });
      expect(reply.status).toBe(400);
      expect(Object.keys((reply.body as ApiError).error.fields ?? {})).toContain("noReasonLimitSeconds");
    },
  );

  it("a pause with a reason that has no limit, or a shorter pause, raises nothing", async () => {
    await setPolicy({ pauseLimitSeconds: { Lunch: 1 }, queueMinimumOnline: {} });
    const events = await stream(t.admin);
    await t.admin.state("1002", { action: "login", extension: "502" });
    await t.admin.state("1002", { action: "pause", reason: "Break" });
    await t.admin.state("1003", { action: "login", extension: "503" });
    await t.admin.state("1003", { action: "pause", reason: "Lunch" });
    await t.admin.state("1003", { action: "online" });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(events.events.filter((event) => event.event === "alert")).toEqual([]);
    expect(await alerts(t.admin)).toEqual([]);
  });

  it("a queue below its minimum of online agents is an alert until enough are online again", async () => {
    await t.admin.state("1002", { action: "login", extension: "502" });
    await t.admin.state("1003", { action: "login", extension: "503" });
    const events = await stream(t.admin);
    const saved = await t.admin.call("PUT /policy", {
      body: { pauseLimitSeconds: {}, queueMinimumOnline: { "2001": 2 } },
    });
    expect(saved.status).toBe(200);
    // Two online in 2001: not short.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await alerts(t.admin)).toEqual([]);

    const before = Date.now();
    await t.admin.state("1003", { action: "pause", reason: "Break" });
    const started = alertEvent(await events.waitFor(isAlert("started", "queue_understaffed", "2001"), 3000));
    expect(started.alert).toMatchObject({
      kind: "queue_understaffed",
      queueId: "2001",
      online: 1,
      minimum: 2,
    });
    expect(Date.parse(started.alert.since)).toBeGreaterThanOrEqual(before - 5);
    expect(await alerts(t.admin)).toEqual([started.alert]);

    // Fewer still: the same alert, its numbers updated.
    await t.admin.state("1002", { action: "logoff" });
    const updated = alertEvent(await events.waitFor(isAlert("updated", "queue_understaffed", "2001"), 3000));
    expect(updated.alert).toEqual({ ...started.alert, online: 0 });

    await t.admin.state("1002", { action: "login", extension: "502" });
    await t.admin.state("1003", { action: "online" });
    await events.waitFor(isAlert("ended", "queue_understaffed", "2001"), 3000);
    expect(await alerts(t.admin)).toEqual([]);
  });

  it("an agent's own page sees no alerts", async () => {
    const agent = t.client();
    await agent.signIn("1001", "pw-1001");
    expect((await agent.call("GET /alerts")).status).toBe(403);
  });
});
