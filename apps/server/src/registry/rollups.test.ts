// The daily rollups (rollups.ts; decision 027) answer exactly what the intervals answer: randomized histories
// written through the commit's history step (recordHistory), across daylight-saving days of two zones, with
// zero-length intervals, intervals that end or start at midnight, pauses over several days, confirmation-only
// changes, deleted agents and open intervals; compared with the reference query over the intervals
// (agentTimeFromIntervals) for ranges on whole days and ranges that start and end mid-day, after a TIME_ZONE
// change (the rollups rebuilt) and after pruning; and the month rollups (decision 033) likewise, over ranges
// of up to 50 days, whole calendar months, and intervals at and across a month's first midnight.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Agent, AgentStatus } from "@crystal-console/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHistoryPruner } from "../history-pruner.ts";
import { freshRegistry } from "../test-database.ts";
import { recordHistory } from "./history.ts";
import { type Registry, openRegistry } from "./open.ts";
import { agentTime, agentTimeFromIntervals } from "./reports.ts";
import { dayOf, ensureRollups, rollupZone } from "./rollups.ts";

const SECOND = 1000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

let dataDir: string;
let db: Registry;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "crystal-rollups-"));
  db = await openRegistry((await freshRegistry(dataDir)).target);
});

afterAll(async () => {
  await db?.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

/** mulberry32: a small seeded generator, so a failure can be replayed with its seed. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const agentAt = (id: string, status: AgentStatus, since: number, reason: string | null, confirmed = true) =>
  ({
    id,
    name: `Agent ${id}`,
    outQueueId: "2000",
    queueIds: [],
    status,
    extension: status === "logged_off" ? null : "601",
    statusSince: new Date(since).toISOString(),
    statusBy: "test",
    pauseReason: status === "paused" ? reason : null,
    confirmed,
  }) satisfies Agent;

/** One step of the commit: what recordHistory makes of an agent event at `now`. */
const record = (agent: Agent, now: number, cause: "person" | "settle" = "person") =>
  db
    .transaction()
    .execute((tx) => recordHistory(tx, [{ type: "agent", agent }], { cause, actor: "test" }, now));

const STATES: [AgentStatus, string | null][] = [
  ["logged_off", null],
  ["online", null],
  ["paused", "Break"],
  ["paused", "Lunch"],
  ["paused", null],
  ["mission", null],
];

/** A random history for `agents` agents from `start`, in whole seconds, `steps` each; returns when it ends. */
async function randomHistory(
  next: () => number,
  prefix: number,
  agents: number,
  start: number,
  zone: string,
  steps = 60,
) {
  let latest = start;
  for (let a = 0; a < agents; a++) {
    const id = String(prefix + a);
    let now = start + Math.floor((next() * 6 * HOUR) / SECOND) * SECOND;
    let agent = agentAt(id, "logged_off", now, null);
    await record(agent, now);
    for (let step = 0; step < steps; step++) {
      const pick = next();
      // Mostly minutes to hours; sometimes no time at all, to the next midnight exactly, or days.
      if (pick < 0.08) now += 0;
      else if (pick < 0.16) now = dayOf(now, zone).end;
      else if (pick < 0.22) now += Math.floor((next() * 3 * DAY) / SECOND) * SECOND;
      else now += Math.floor((next() * 5 * HOUR) / SECOND) * SECOND;
      if (next() < 0.15) {
        // Only the confirmation changes (an unknown outcome, then its settle).
        agent = { ...agent, confirmed: !agent.confirmed };
        await record(agent, now, agent.confirmed ? "settle" : "person");
        continue;
      }
      const [status, reason] = STATES[Math.floor(next() * STATES.length)] ?? ["online", null];
      agent = agentAt(id, status, now, reason, next() > 0.1);
      await record(agent, now);
    }
    if (next() < 0.25) {
      now += Math.floor((next() * 2 * HOUR) / SECOND) * SECOND;
      await db
        .transaction()
        .execute((tx) =>
          recordHistory(tx, [{ type: "agentDeleted", agentId: id }], { cause: "person", actor: "t" }, now),
        );
    }
    latest = Math.max(latest, now);
  }
  return latest;
}

/** Both answers for one range: the rollups' and the reference's. */
async function both(from: number, to: number, now: number, timeZone: string, queueId?: string) {
  const range = { from, to, now, timeZone, queueId };
  return { rollups: await agentTime(db, range), reference: await agentTimeFromIntervals(db, range) };
}

/** Random ranges up to `longest` long: whole days (as the route asks) and ranges that start and end mid-day. */
async function compareRanges(
  next: () => number,
  start: number,
  end: number,
  zone: string,
  count: number,
  longest = 8 * DAY,
) {
  for (let i = 0; i < count; i++) {
    const a = start - DAY + Math.floor(next() * (end - start + 2 * DAY));
    const b = a + Math.floor(next() * longest);
    const wholeDays = i % 2 === 0;
    const from = wholeDays ? dayOf(a, zone).start : a;
    const to = wholeDays ? dayOf(b, zone).end : b + 1;
    const now = i % 3 === 0 ? end + HOUR : Math.max(from, Math.floor((from + to) / 2));
    const { rollups, reference } = await both(from, to, now, zone);
    expect(rollups, `range ${new Date(from).toISOString()}..${new Date(to).toISOString()}`).toEqual(
      reference,
    );
  }
}

/** One pruning round at `now` (batches without pauses); returns how many intervals it deleted. */
async function pruneOnce(now: number, retentionDays: number, batchSize: number) {
  const pruner = startHistoryPruner(db, {
    retentionDays,
    firstAfterMs: DAY,
    batchSize,
    pauseMs: 0,
    log: { info: () => undefined, warn: () => undefined },
  });
  try {
    return await pruner.prune(now);
  } finally {
    await pruner.stop();
  }
}

describe("daily rollups", () => {
  it("answer exactly what the intervals answer, across daylight-saving days", async () => {
    expect(await ensureRollups(db, "Europe/London")).toBe(true);
    expect(await ensureRollups(db, "Europe/London")).toBe(false);
    const next = random(12);
    // Europe's autumn change (25 October) and America's (1 November), in one stretch of history.
    const start = Date.parse("2026-10-20T00:00:00Z");
    const end = await randomHistory(next, 5000, 8, start, "Europe/London");
    expect(await rollupZone(db)).toBe("Europe/London");
    const rolled = await db.selectFrom("state_rollups").select(db.fn.countAll().as("n")).executeTakeFirst();
    expect(Number(rolled?.n)).toBeGreaterThan(50);
    await compareRanges(next, start, end, "Europe/London", 40);
  });

  it("are rebuilt when TIME_ZONE changes, and then answer in the new zone", async () => {
    expect(await ensureRollups(db, "America/New_York")).toBe(true);
    const next = random(34);
    const start = Date.parse("2026-10-20T00:00:00Z");
    const end = await randomHistory(next, 6000, 6, Date.parse("2026-10-29T00:00:00Z"), "America/New_York");
    await compareRanges(next, start, end, "America/New_York", 40);
    // The fall-back day in New York is 25 hours long; a report in another zone reads the intervals.
    const { rollups, reference } = await both(
      Date.parse("2026-10-21T04:00:00Z"),
      Date.parse("2026-11-04T05:00:00Z"),
      end,
      "Europe/London",
      "2000",
    );
    expect(rollups).toEqual(reference);
  });

  it("give each day's totals as the intervals of that day alone would", async () => {
    const zone = "America/New_York";
    const from = dayOf(Date.parse("2026-10-30T12:00:00Z"), zone).start;
    const to = dayOf(Date.parse("2026-11-02T12:00:00Z"), zone).end;
    const now = Date.parse("2026-12-01T00:00:00Z");
    const { rollups } = await both(from, to, now, zone);
    expect(rollups.agentDays.length).toBeGreaterThan(10);
    for (let day = dayOf(from, zone); day.start < to; day = dayOf(day.end, zone)) {
      const alone = await agentTimeFromIntervals(db, { from: day.start, to: day.end, now, timeZone: zone });
      const ofDay = rollups.agentDays.filter((row) => row.date === day.date);
      expect(
        ofDay.map((row) => [row.agentId, row.loggedInSeconds, row.pausedSeconds, row.unconfirmedSeconds]),
      ).toEqual(
        alone.agents
          .filter((agent) => ofDay.some((row) => row.agentId === agent.agentId))
          .map((agent) => [
            agent.agentId,
            agent.loggedInSeconds,
            agent.pausedSeconds,
            agent.unconfirmedSeconds,
          ]),
      );
    }
  });

  it("keep the longest single pause right when it spans several days", async () => {
    const zone = "America/New_York";
    const start = Date.parse("2026-11-10T15:00:00Z");
    await record(agentAt("7000", "paused", start, "Training"), start);
    const end = start + 3 * DAY + 2 * HOUR;
    await record(agentAt("7000", "online", end, null), end);
    const pause = (result: Awaited<ReturnType<typeof agentTime>>) =>
      result.agents.find((agent) => agent.agentId === "7000")?.pauses;
    const all = await agentTime(db, {
      from: dayOf(start, zone).start,
      to: dayOf(end, zone).end,
      now: end + DAY,
      timeZone: zone,
    });
    expect(pause(all)).toEqual([
      { reason: "Training", count: 1, seconds: 74 * 3600, longestSeconds: 74 * 3600 },
    ]);
    const middle = await both(dayOf(start, zone).end, dayOf(end, zone).start, end + DAY, zone);
    expect(pause(middle.rollups)).toEqual([
      { reason: "Training", count: 0, seconds: 48 * 3600, longestSeconds: 48 * 3600 },
    ]);
    expect(middle.rollups).toEqual(middle.reference);
  });

  it("read whole calendar months from the month rollups, and still answer what the intervals answer", async () => {
    const zone = "America/New_York";
    const next = random(78);
    const start = Date.parse("2026-10-24T00:00:00Z");
    // About two months each: October's end, November, December's start.
    const end = await randomHistory(next, 8000, 3, start, zone, 300);
    expect(end).toBeGreaterThan(Date.parse("2026-12-05T00:00:00Z"));
    // At the month's edges exactly: a pause that ends at November's first midnight, an interval of no time
    // at it, and a pause from November into December.
    const november = Date.parse("2026-11-01T04:00:00Z");
    const december = Date.parse("2026-12-01T05:00:00Z");
    const steps: [AgentStatus, string | null, number][] = [
      ["paused", "Break", november - 2 * HOUR],
      ["online", null, november],
      ["paused", "Lunch", november],
      ["online", null, november + HOUR],
      ["paused", "Training", december - 3 * HOUR],
      ["online", null, december + 30 * HOUR],
    ];
    for (const [status, reason, at] of steps) await record(agentAt("8100", status, at, reason), at);
    const months = await db
      .selectFrom("state_rollup_months")
      .select("month")
      .distinct()
      .orderBy("month")
      .execute();
    expect(months.map((row) => row.month)).toEqual(expect.arrayContaining(["2026-10", "2026-11", "2026-12"]));
    const check = async () => {
      // November whole, November with days either side, October to December, and random long ranges.
      const ranges = [
        [november, december],
        [november - DAY, december + 2 * DAY],
        [Date.parse("2026-10-01T04:00:00Z"), Date.parse("2027-01-01T05:00:00Z")],
      ];
      for (const [from = 0, to = 0] of ranges) {
        const { rollups, reference } = await both(from, to, end + HOUR, zone);
        expect(rollups).toEqual(reference);
      }
      await compareRanges(next, start, end, zone, 12, 50 * DAY);
    };
    await check();
    // The same after the rebuild at start (another TIME_ZONE, then back).
    expect(await ensureRollups(db, "Europe/London")).toBe(true);
    const { rollups, reference } = await both(
      Date.parse("2026-11-01T00:00:00Z"),
      Date.parse("2026-12-01T00:00:00Z"),
      end,
      "Europe/London",
    );
    expect(rollups).toEqual(reference);
    expect(await ensureRollups(db, zone)).toBe(true);
    await check();
  });

  it("are pruned with the history, whole days at a time, and still agree with what is left", async () => {
    const zone = "America/New_York";
    const now = Date.parse("2026-11-05T09:30:00Z");
    expect(await pruneOnce(now, 10, 7)).toBeGreaterThan(0);
    // 10 days before 5 November 09:30 is 26 October 05:30 in New York: its midnight is the cutoff.
    const cutoff = dayOf(now - 10 * DAY, zone);
    expect(cutoff.date).toBe("2026-10-26");
    const older = await db.selectFrom("state_rollups").select("day").where("day", "<", cutoff.date).execute();
    expect(older).toEqual([]);
    const kept = await db
      .selectFrom("state_history")
      .select("id")
      .where("started_at", "<", cutoff.start)
      .where("ended_at", "<=", cutoff.start)
      .execute();
    expect(kept).toEqual([]);
    await compareRanges(random(56), Date.parse("2026-10-20T00:00:00Z"), now, zone, 20);
    // October is cut by pruning: its days before the cutoff are read from what is left, its month rollup
    // no longer; November is whole.
    const late = Date.parse("2026-12-20T00:00:00Z");
    for (const [from, to] of [
      ["2026-10-01T04:00:00Z", "2026-12-01T05:00:00Z"],
      ["2026-10-26T04:00:00Z", "2026-11-30T05:00:00Z"],
    ] as const) {
      const { rollups, reference } = await both(Date.parse(from), Date.parse(to), late, zone);
      expect(rollups).toEqual(reference);
    }
    // A second round deep into December: October's and November's months go, December's is cut.
    expect(await pruneOnce(late, 12, 50)).toBeGreaterThan(0);
    const months = await db.selectFrom("state_rollup_months").select("month").distinct().execute();
    expect(months.map((row) => row.month)).toEqual(["2026-12"]);
    await compareRanges(random(90), Date.parse("2026-11-20T00:00:00Z"), late, zone, 12, 40 * DAY);
  });
});
