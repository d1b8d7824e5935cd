// Reports over the state history (history.ts): each agent's time per state in a range, and per day of it.
// Whole days are read from the rollups (rollups.ts; decisions 027, 033): the calendar months the range covers
// whole from the month rollups, its other whole days from the daily ones, and each whole day's totals from
// the agents' days. The intervals the rollups do not hold (those that cross a midnight and are not within a
// whole month, the open ones, and those of a day at either end that the range covers only in part, or that
// pruning cut) are added up in SQL, each clipped to the range, by the same query that adds up the whole
// history when the rollups are cut in another zone (`agentTimeFromIntervals`, the reference the rollups are
// tested against). Both dialects run the same CASE expressions; sums are cast to bigint so that PostgreSQL
// answers numbers, not numerics. Groups are merged in milliseconds before they are rounded to seconds.
import type { AgentStatus } from "@crystal-console/api";
import { type Kysely, type RawBuilder, sql } from "kysely";
import { byNumericId } from "./json.ts";
import { type Day, dayOf, monthOf, nextDay, rollupState } from "./rollups.ts";
import type { Database } from "./schema.ts";

type Db = Kysely<Database>;

export type AgentTimeRange = {
  from: number;
  to: number;
  now: number;
  /** The zone the days are cut in (TIME_ZONE); the rollups serve only when they were cut in it too. */
  timeZone: string;
  queueId?: string | undefined;
};

export type PauseTotal = { reason: string | null; count: number; seconds: number; longestSeconds: number };

export type AgentTime = {
  agentId: string;
  name: string;
  loggedInSeconds: number;
  onlineSeconds: number;
  pausedSeconds: number;
  missionSeconds: number;
  unconfirmedSeconds: number;
  pauses: PauseTotal[];
  firstLoginAt: string | null;
  lastLogoffAt: string | null;
};

type GroupRow = {
  agent_id: string;
  status: AgentStatus;
  reason: string | null;
  confirmed: number;
  ms: number;
  starts: number;
  longest: number;
  first_in: number | null;
  last_off: number | null;
};

/** One agent's time on one day of the range (the part of the day inside the range). */
type AgentDay = {
  agentId: string;
  date: string;
  loggedInSeconds: number;
  onlineSeconds: number;
  pausedSeconds: number;
  missionSeconds: number;
  unconfirmedSeconds: number;
};

type DayRow = {
  agent_id: string;
  day: string;
  logged_in: number;
  online: number;
  paused: number;
  mission: number;
  unconfirmed: number;
};

type AgentTimeResult = { agents: AgentTime[]; agentDays: AgentDay[] };

const columns = sql`agent_id, status, reason, confirmed, started_at, ended_at, starts_state, prev_status`;

type RangeDay = Day & { whole: boolean; full: Day };

/**
 * The days the range touches, each clipped to it (`full`: the whole day); `whole` when it covers all of it
 * and pruning has not cut it (the day is `keptFrom` or later).
 */
function rangeDays(from: number, to: number, timeZone: string, keptFrom = ""): RangeDay[] {
  const days: RangeDay[] = [];
  for (let full = dayOf(from, timeZone); full.start < to; full = nextDay(full, timeZone)) {
    const whole = full.start >= from && full.end <= to && full.date >= keptFrom;
    days.push({ ...full, start: Math.max(full.start, from), end: Math.min(full.end, to), whole, full });
  }
  return days;
}

const queueFilter = (alias: string, queueId: string | undefined) =>
  queueId
    ? sql`and ${sql.ref(`${alias}.agent_id`)} in (select agent_id from memberships where queue_id = ${queueId})`
    : sql``;

/** Each group's totals over the intervals of `source` that overlap the range, each clipped to it. */
async function groupsOf(db: Db, source: RawBuilder<unknown>, range: AgentTimeRange): Promise<GroupRow[]> {
  const { from, to, now } = range;
  const end = sql<number>`case when coalesce(h.ended_at, ${now}) > ${to} then ${to} else coalesce(h.ended_at, ${now}) end`;
  const start = sql<number>`case when h.started_at < ${from} then ${from} else h.started_at end`;
  const inRange = sql`h.started_at >= ${from}`;
  const { rows } = await sql<GroupRow>`
    select h.agent_id, h.status, h.reason, h.confirmed,
      cast(sum(${end} - ${start}) as bigint) as ms,
      cast(sum(case when h.starts_state = 1 and ${inRange} then 1 else 0 end) as bigint) as starts,
      cast(max(${end} - ${start}) as bigint) as longest,
      cast(min(case when h.status <> 'logged_off' then ${start} end) as bigint) as first_in,
      cast(max(case when h.status = 'logged_off' and h.starts_state = 1 and h.prev_status is not null
        and h.prev_status <> 'logged_off' and ${inRange} then h.started_at end) as bigint) as last_off
    from (${source}) h
    where h.started_at < ${to} and (h.ended_at is null or h.ended_at > ${from}) ${queueFilter("h", range.queueId)}
    group by h.agent_id, h.status, h.reason, h.confirmed`.execute(db);
  return rows;
}

type Piece = Pick<GroupRow, "agent_id" | "status" | "confirmed"> & {
  started_at: number;
  ended_at: number | null;
};

/**
 * Each agent's time per day over the intervals of `source`, each clipped to the day (itself clipped to the
 * range) and the open one ending now; the closed ones only in `closedDays` (the agents' days hold the rest).
 * The intervals read here are few (rollups hold the rest), so they are cut into days here rather than by a
 * join in SQL.
 */
async function daysOf(
  db: Db,
  source: RawBuilder<unknown>,
  days: Day[],
  range: AgentTimeRange,
  closedDays: Day[] = days,
): Promise<DayRow[]> {
  const { from, to, now } = range;
  const { rows } = await sql<Piece>`
    select h.agent_id, h.status, h.confirmed, h.started_at, h.ended_at from (${source}) h
    where h.started_at < ${to} and coalesce(h.ended_at, ${now}) > ${from} ${queueFilter("h", range.queueId)}`.execute(
    db,
  );
  const sums = new Map<string, DayRow>();
  for (const row of rows) {
    const start = Number(row.started_at);
    const end = row.ended_at === null ? now : Number(row.ended_at);
    const of = row.ended_at === null ? days : closedDays;
    for (let i = firstDayEndingAfter(of, start); i < of.length; i++) {
      const day = of[i];
      if (!day || day.start >= end) break;
      const ms = Math.min(end, day.end) - Math.max(start, day.start);
      const key = `${row.agent_id}\u0000${day.date}`;
      let sum = sums.get(key);
      if (!sum) {
        sum = {
          agent_id: row.agent_id,
          day: day.date,
          logged_in: 0,
          online: 0,
          paused: 0,
          mission: 0,
          unconfirmed: 0,
        };
        sums.set(key, sum);
      }
      if (row.status !== "logged_off") sum.logged_in += ms;
      if (row.status === "online") sum.online += ms;
      if (row.status === "paused") sum.paused += ms;
      if (row.status === "mission") sum.mission += ms;
      if (row.confirmed === 0) sum.unconfirmed += ms;
    }
  }
  return [...sums.values()];
}

/** The index of the first of `days` (in order) that ends after `at`. */
function firstDayEndingAfter(days: Day[], at: number): number {
  let [low, high] = [0, days.length];
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((days[middle]?.end ?? Infinity) > at) high = middle;
    else low = middle + 1;
  }
  return low;
}

/**
 * The reference: each agent's time per state in [from, to) and per day, added up over the intervals
 * themselves (what the report did before the rollups; it still does when they are cut in another zone).
 */
export async function agentTimeFromIntervals(db: Db, range: AgentTimeRange): Promise<AgentTimeResult> {
  const source = sql`select ${columns} from state_history`;
  const days = rangeDays(range.from, range.to, range.timeZone);
  return fold(db, await groupsOf(db, source, range), await daysOf(db, source, days, range), days);
}

/** The closed intervals the rollups of `period` (a day or a month) hold: as rollups.ts `withinDay` says. */
const within = (period: Day) =>
  sql`started_at >= ${period.start} and started_at < ${period.end} and ended_at <= ${period.end}
    and not (started_at = ended_at and started_at = ${period.start})`;

/** The calendar months all of whose days are among `whole` (whole days of a range, in order). */
function wholeMonths(whole: RangeDay[], timeZone: string): Day[] {
  const [first, last] = [whole[0], whole.at(-1)];
  if (!first || !last) return [];
  const months: Day[] = [];
  for (
    let month = monthOf(first.start, timeZone);
    month.start < last.end;
    month = monthOf(month.end, timeZone)
  ) {
    if (month.start >= first.start && month.end <= last.end) months.push(month);
  }
  return months;
}

/** The groups of the rollup rows of `table` that `where` picks (days or months), as the intervals' groups. */
async function rolledGroups(
  db: Db,
  table: "state_rollups" | "state_rollup_months",
  where: RawBuilder<unknown>,
) {
  const { rows } = await sql<GroupRow>`
    select agent_id, status, case when reason = '' then null else reason end as reason, confirmed,
      cast(sum(ms) as bigint) as ms, cast(sum(starts) as bigint) as starts,
      cast(max(longest) as bigint) as longest, cast(min(first_in) as bigint) as first_in,
      cast(max(last_off) as bigint) as last_off
    from ${sql.table(table)} where ${where}
    group by agent_id, status, reason, confirmed`.execute(db);
  return rows;
}

/** Each agent's time per state in [from, to) and per day, in agent id order; agents of `queueId` only, when given. */
export async function agentTime(db: Db, range: AgentTimeRange): Promise<AgentTimeResult> {
  const { zone, keptFrom } = await rollupState(db);
  if (zone !== range.timeZone) return agentTimeFromIntervals(db, range);
  const { from, to, queueId } = range;
  const days = rangeDays(from, to, range.timeZone, keptFrom);
  const whole = days.filter((day) => day.whole);
  const cut = days.filter((day) => !day.whole);
  const months = wholeMonths(whole, range.timeZone);
  // What the rollups do not hold: spans not within a whole month, open intervals, and the intervals within
  // a day the range cuts (or pruning did).
  const cutDays = cut.map(({ full }) => sql`select ${columns} from state_history where ${within(full)}`);
  const notInMonths = months.map((month) => sql`and not (${within(month)})`);
  const source = sql.join(
    [
      sql`select ${columns} from state_history_spans
        where started_at < ${to} and ended_at > ${from} ${sql.join(notInMonths, sql` `)}`,
      // By their ids, from the partial index of open intervals: SQLite's planner otherwise reads the range
      // through started_at, i.e. every interval of it.
      sql`select ${columns} from state_history
        where id in (select id from state_history where ended_at is null) and started_at < ${to}`,
      ...cutDays,
    ],
    sql` union all `,
  );
  const groups = await groupsOf(db, source, range);
  const dayRows = await daysOf(db, source, days, range, cut);
  const add = <T>(into: T[], rows: T[]) => {
    for (const row of rows) into.push(row);
  };
  const [firstMonth, lastMonth] = [months[0], months.at(-1)];
  if (firstMonth && lastMonth) {
    const inMonths = sql`month >= ${firstMonth.date} and month <= ${lastMonth.date}`;
    const filter = queueFilter("state_rollup_months", queueId);
    add(groups, await rolledGroups(db, "state_rollup_months", sql`${inMonths} ${filter}`));
  }
  const outside = whole.filter(
    (day) => !months.some((month) => day.start >= month.start && day.end <= month.end),
  );
  if (outside.length > 0) {
    const dates = sql.join(outside.map((day) => day.date));
    add(
      groups,
      await rolledGroups(
        db,
        "state_rollups",
        sql`day in (${dates}) ${queueFilter("state_rollups", queueId)}`,
      ),
    );
  }
  const [first, last] = [whole[0], whole.at(-1)];
  if (first && last) {
    const { rows } = await sql<DayRow>`
      select agent_id, day, logged_in, online, paused, mission, unconfirmed from state_rollup_agent_days
      where day >= ${first.date} and day <= ${last.date} ${queueFilter("state_rollup_agent_days", queueId)}`.execute(
      db,
    );
    add(dayRows, rows);
  }
  return fold(db, groups, dayRows, days);
}

const groupKey = (row: GroupRow) =>
  [row.agent_id, row.status, row.reason ?? "", row.confirmed].join("\u0000");
const orNull = (n: number | null) => (n === null ? null : Number(n));
const least = (a: number | null, b: number | null) =>
  a === null ? orNull(b) : b === null ? a : Math.min(a, Number(b));
const most = (a: number | null, b: number | null) =>
  a === null ? orNull(b) : b === null ? a : Math.max(a, Number(b));

/** Merges the groups (in milliseconds) and the days, then shapes them as the contract's agents and days. */
async function fold(db: Db, groups: GroupRow[], dayRows: DayRow[], days: Day[]): Promise<AgentTimeResult> {
  const merged = new Map<string, GroupRow>();
  for (const row of groups) {
    const key = groupKey(row);
    const sum = merged.get(key);
    if (!sum) {
      const { ms, starts, longest, first_in, last_off } = row;
      merged.set(key, {
        ...row,
        ms: Number(ms),
        starts: Number(starts),
        longest: Number(longest),
        first_in: orNull(first_in),
        last_off: orNull(last_off),
      });
      continue;
    }
    sum.ms += Number(row.ms);
    sum.starts += Number(row.starts);
    sum.longest = Math.max(sum.longest, Number(row.longest));
    sum.first_in = least(sum.first_in, row.first_in);
    sum.last_off = most(sum.last_off, row.last_off);
  }
  const names = await db.selectFrom("agents").select(["id", "name"]).execute();
  const nameOf = new Map(names.map((agent) => [agent.id, agent.name]));
  const byAgent = new Map<string, AgentTime>();
  for (const row of merged.values()) {
    let agent = byAgent.get(row.agent_id);
    if (!agent) {
      agent = emptyAgentTime(row.agent_id, nameOf.get(row.agent_id) ?? row.agent_id);
      byAgent.set(row.agent_id, agent);
    }
    addGroup(agent, row);
  }
  const byReason = (a: PauseTotal, b: PauseTotal) => (a.reason ?? "").localeCompare(b.reason ?? "");
  for (const agent of byAgent.values()) agent.pauses.sort(byReason);
  return {
    agents: [...byAgent.values()].sort((a, b) => byNumericId(a.agentId, b.agentId)),
    agentDays: foldDays(dayRows, days),
  };
}

function foldDays(rows: DayRow[], days: Day[]): AgentDay[] {
  const byKey = new Map<string, DayRow>();
  for (const row of rows) {
    const key = `${row.agent_id}\u0000${row.day}`;
    const sum = byKey.get(key);
    if (!sum) {
      byKey.set(key, { ...row });
      continue;
    }
    for (const field of ["logged_in", "online", "paused", "mission", "unconfirmed"] as const) {
      sum[field] = Number(sum[field]) + Number(row[field]);
    }
  }
  const order = new Map(days.map((day, index) => [day.date, index]));
  return [...byKey.values()]
    .map((row) => ({
      agentId: row.agent_id,
      date: row.day,
      loggedInSeconds: seconds(row.logged_in),
      onlineSeconds: seconds(row.online),
      pausedSeconds: seconds(row.paused),
      missionSeconds: seconds(row.mission),
      unconfirmedSeconds: seconds(row.unconfirmed),
    }))
    .sort((a, b) => byNumericId(a.agentId, b.agentId) || (order.get(a.date) ?? 0) - (order.get(b.date) ?? 0));
}

function emptyAgentTime(agentId: string, name: string): AgentTime {
  return {
    agentId,
    name,
    loggedInSeconds: 0,
    onlineSeconds: 0,
    pausedSeconds: 0,
    missionSeconds: 0,
    unconfirmedSeconds: 0,
    pauses: [],
    firstLoginAt: null,
    lastLogoffAt: null,
  };
}

const seconds = (ms: number) => Math.round(Number(ms) / 1000);
const earlier = (a: string | null, b: number | null) =>
  b === null ? a : a === null || Date.parse(a) > b ? new Date(b).toISOString() : a;
const later = (a: string | null, b: number | null) =>
  b === null ? a : a === null || Date.parse(a) < b ? new Date(b).toISOString() : a;

function addGroup(agent: AgentTime, row: GroupRow): void {
  const s = seconds(row.ms);
  if (row.confirmed === 0) agent.unconfirmedSeconds += s;
  agent.lastLogoffAt = later(agent.lastLogoffAt, row.last_off === null ? null : Number(row.last_off));
  if (row.status === "logged_off") return;
  agent.loggedInSeconds += s;
  agent.firstLoginAt = earlier(agent.firstLoginAt, row.first_in === null ? null : Number(row.first_in));
  if (row.status === "online") agent.onlineSeconds += s;
  if (row.status === "mission") agent.missionSeconds += s;
  if (row.status !== "paused") return;
  agent.pausedSeconds += s;
  const pause = agent.pauses.find((each) => each.reason === row.reason);
  const longest = seconds(row.longest);
  if (pause) {
    pause.count += Number(row.starts);
    pause.seconds += s;
    pause.longestSeconds = Math.max(pause.longestSeconds, longest);
  } else {
    agent.pauses.push({ reason: row.reason, count: Number(row.starts), seconds: s, longestSeconds: longest });
  }
}
