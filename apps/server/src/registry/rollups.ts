// Daily rollups of the state history (issue 12; docs/decisions/027-report-rollups.md). When an interval
// closes, in the same commit that closes it (history.ts), it goes to one of two places:
//   - it lies within one day of the rollups' zone: it is added to that day's row of its agent, status,
//     reason and confirmation in state_rollups (seconds, starts, longest, first login, last logoff);
//   - it crosses a midnight (or lasts no time exactly at one): it is copied whole to state_history_spans.
// A report over whole days then reads the day rows, and reads intervals only for the spans, the open
// intervals and the days at the ends of the range that are not whole (reports.ts). The zone the rollups are
// cut in is kept in state_rollup_zone; a console that starts with another TIME_ZONE rebuilds them.
// Beside them, for long reports (decision 033), the same commit keeps per calendar month the same totals over
// the month's daily rollups and the spans within the month, and per agent and day the day's five totals, the
// spans' parts in it included (state_rollup_months, state_rollup_agent_days).
import { TZDate } from "@date-fns/tz";
import { type Kysely, sql } from "kysely";
import { prepared } from "./prepared.ts";
import type {
  Database,
  HistoryRow,
  StateHistorySpansTable,
  StateRollupAgentDaysTable,
  StateRollupMonthsTable,
  StateRollupsTable,
} from "./schema.ts";

type Db = Kysely<Database>;

export type Day = { date: string; start: number; end: number };

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * The last day and month found, per zone: most intervals a commit closes fall in the same day as the last one,
 * and finding a day costs three conversions through the zone's rules (2 % of the console's thread at 100
 * state changes a second).
 */
const lastFound = { day: new Map<string, Day>(), month: new Map<string, Day>() };

/** The period of `find` that holds `ms`: the last one found in the zone when it does, else found anew. */
function within(kind: keyof typeof lastFound, ms: number, timeZone: string, find: () => Day): Day {
  const last = lastFound[kind].get(timeZone);
  if (last && ms >= last.start && ms < last.end) return last;
  const found = find();
  lastFound[kind].set(timeZone, found);
  return found;
}

/** The day of `ms` in `timeZone`: its date (YYYY-MM-DD) and its midnights (a day may last 23 or 25 hours). */
export function dayOf(ms: number, timeZone: string): Day {
  return within("day", ms, timeZone, () => findDay(ms, timeZone));
}

function findDay(ms: number, timeZone: string): Day {
  const zoned = new TZDate(ms, timeZone);
  const [year, month, date] = [zoned.getFullYear(), zoned.getMonth(), zoned.getDate()];
  return {
    date: `${year}-${pad(month + 1)}-${pad(date)}`,
    start: new TZDate(year, month, date, timeZone).getTime(),
    end: new TZDate(year, month, date + 1, timeZone).getTime(),
  };
}

/** The day after `day`. */
export const nextDay = (day: Day, timeZone: string): Day => dayOf(day.end, timeZone);

type ClosedInterval = Omit<HistoryRow, "ended_at"> & { ended_at: number };
type RollupRow = Omit<StateRollupsTable, "id">;
type MonthRow = Omit<StateRollupMonthsTable, "id">;
type AgentDayRow = Omit<StateRollupAgentDaysTable, "id">;

/** Whether a closed interval is added to its day's rollup (else it is a span); also its month's. */
const withinDay = (interval: ClosedInterval, day: Day) =>
  interval.ended_at <= day.end && !(interval.ended_at === day.start && interval.started_at === day.start);

function rollupOf(interval: ClosedInterval, day: Day): RollupRow {
  const { started_at: start, ended_at: end, status, starts_state: starts } = interval;
  const logoff = status === "logged_off" && starts === 1 && interval.prev_status !== null;
  return {
    day: day.date,
    agent_id: interval.agent_id,
    status,
    reason: interval.reason ?? "",
    confirmed: interval.confirmed,
    ms: end - start,
    starts,
    longest: end - start,
    first_in: status === "logged_off" ? null : start,
    last_off: logoff && interval.prev_status !== "logged_off" ? start : null,
  };
}

const spanOf = (interval: ClosedInterval): StateHistorySpansTable => ({
  id: interval.id,
  agent_id: interval.agent_id,
  status: interval.status,
  reason: interval.reason,
  confirmed: interval.confirmed,
  started_at: interval.started_at,
  ended_at: interval.ended_at,
  starts_state: interval.starts_state,
  prev_status: interval.prev_status,
});

/** A rollup's merge on conflict, for days and months: totals added up; the longest, earliest and latest kept. */
function merge(table: "state_rollups" | "state_rollup_months") {
  const old = (column: string) => sql.ref(`${table}.${column}`);
  const added = (column: string) => sql.ref(`excluded.${column}`);
  const keep = (column: string, sign: "<" | ">") =>
    sql<number>`case when ${old(column)} is null or ${added(column)} ${sql.raw(sign)} ${old(column)} then ${added(column)} else ${old(column)} end`;
  return {
    ms: sql<number>`${old("ms")} + ${added("ms")}`,
    starts: sql<number>`${old("starts")} + ${added("starts")}`,
    longest: keep("longest", ">"),
    first_in: keep("first_in", "<"),
    last_off: keep("last_off", ">"),
  };
}

/** Adds rollup rows to their day's totals (one row per key). */
function addRollups(db: Db, rows: RollupRow[]) {
  return db
    .insertInto("state_rollups")
    .values(rows)
    .onConflict((oc) =>
      oc.columns(["day", "agent_id", "status", "reason", "confirmed"]).doUpdateSet(merge("state_rollups")),
    );
}

const addRollup = prepared((db, row: RollupRow) => addRollups(db, [row]));
const insertSpan = prepared((db, span: StateHistorySpansTable) =>
  db.insertInto("state_history_spans").values(span),
);
const zoneQuery = prepared((db, _: Record<string, never>) =>
  db.selectFrom("state_rollup_zone").select("time_zone"),
);

/**
 * The zone of each registry, read once and then kept by this process: it changes only at start, when
 * ensureRollups rebuilds the rollups (consoles on one database share TIME_ZONE: decision 027), so the
 * commit that closes an interval does not read it again (docs/decisions/035-commit-path.md). Keyed by the
 * registry's dialect adapter, which its transactions share.
 */
const zones = new WeakMap<object, string | null>();

/** The zone the rollups are cut in; null before they are first built. */
export async function rollupZone(db: Db): Promise<string | null> {
  const key = db.getExecutor().adapter;
  const known = zones.get(key);
  if (known !== undefined) return known;
  const [row] = (await zoneQuery(db, {})).rows;
  const zone = row?.time_zone ? row.time_zone : null;
  zones.set(key, zone);
  return zone;
}

/** Part of the commit that closes `interval` (history.ts): adds it to its day, or keeps it as a span. */
export async function rollUp(tx: Db, interval: ClosedInterval): Promise<void> {
  const zone = await rollupZone(tx);
  if (zone === null) return;
  const day = dayOf(interval.started_at, zone);
  if (withinDay(interval, day)) await addRollup(tx, rollupOf(interval, day));
  else await insertSpan(tx, spanOf(interval));
  await rollUpMonthAndDays(tx, interval, day, zone);
}

const CHUNK = 1000;

/**
 * At start: when the rollups were cut in another zone than `timeZone` (or never), rebuilds them from the
 * closed intervals, agent by agent, in one transaction. Returns whether it rebuilt them.
 */
export async function ensureRollups(db: Db, timeZone: string): Promise<boolean> {
  const rebuilt = await db.transaction().execute(async (tx) => {
    // The update takes the zone row's lock: a second console starting at once waits, then finds it done.
    const claimed = await tx
      .updateTable("state_rollup_zone")
      .set({ time_zone: timeZone })
      .where("time_zone", "<>", timeZone)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) return false;
    await tx.deleteFrom("state_rollups").execute();
    await tx.deleteFrom("state_history_spans").execute();
    await tx.deleteFrom("state_rollup_months").execute();
    await tx.deleteFrom("state_rollup_agent_days").execute();
    // Rebuilt from the intervals kept, every day's rollups are whole again.
    await tx.updateTable("state_rollup_zone").set({ kept_from: "" }).execute();
    const agents = await tx.selectFrom("state_history").select("agent_id").distinct().execute();
    for (const { agent_id } of agents) await rebuildAgent(tx, agent_id, timeZone);
    return true;
  });
  zones.set(db.getExecutor().adapter, timeZone);
  return rebuilt;
}

async function rebuildAgent(tx: Db, agentId: string, timeZone: string): Promise<void> {
  const rows = await tx
    .selectFrom("state_history")
    .selectAll()
    .where("agent_id", "=", agentId)
    .where("ended_at", "is not", null)
    .orderBy("id")
    .execute();
  const intervals = rows.map((row) => ({ ...row, ended_at: row.ended_at ?? row.started_at }));
  const rollups = new Map<string, RollupRow>();
  const spans: StateHistorySpansTable[] = [];
  let day: Day | null = null;
  for (const interval of intervals) {
    if (!day || interval.started_at < day.start || interval.started_at >= day.end) {
      day = dayOf(interval.started_at, timeZone);
    }
    if (!withinDay(interval, day)) {
      spans.push(spanOf(interval));
      continue;
    }
    const add = rollupOf(interval, day);
    addTo(rollups, [add.day, add.status, add.reason, add.confirmed].join("\u0000"), add);
  }
  const added = [...rollups.values()];
  for (let i = 0; i < added.length; i += CHUNK) await addRollups(tx, added.slice(i, i + CHUNK)).execute();
  for (let i = 0; i < spans.length; i += CHUNK) {
    await tx
      .insertInto("state_history_spans")
      .values(spans.slice(i, i + CHUNK))
      .execute();
  }
  await rebuildMonthsAndDays(tx, intervals, timeZone);
}

/** Adds `add` to the row of `key` in `sums` (the rebuild's fold, for days and for months). */
function addTo<T extends Omit<RollupRow, "day">>(sums: Map<string, T>, key: string, add: T): void {
  const sum = sums.get(key);
  if (!sum) {
    sums.set(key, add);
    return;
  }
  sum.ms += add.ms;
  sum.starts += add.starts;
  sum.longest = Math.max(sum.longest, add.longest);
  if (add.first_in !== null && (sum.first_in === null || add.first_in < sum.first_in))
    sum.first_in = add.first_in;
  if (add.last_off !== null && (sum.last_off === null || add.last_off > sum.last_off))
    sum.last_off = add.last_off;
}

/** Resolves on the event loop's next turn: what waits for it (a request, on SQLite) runs first. */
export const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Deletes up to `limit` rollup rows of days before `beforeDate` (daily rollups, then agents' days, then
 * months before the month of `beforeDate`); returns how many (the pruner's batches). The cutoff's month
 * keeps its row, which reports no longer read (its first day is before the first kept: `keepFrom`).
 */
export async function pruneRollupsBatch(db: Db, beforeDate: string, limit: number): Promise<number> {
  const tables = [
    ["state_rollups", "day", beforeDate],
    ["state_rollup_agent_days", "day", beforeDate],
    ["state_rollup_months", "month", beforeDate.slice(0, 7)],
  ] as const;
  let deleted = 0;
  for (const [table, column, before] of tables) {
    const { rows } = await sql<{ id: number }>`select id from ${sql.table(table)}
      where ${sql.ref(column)} < ${before} order by ${sql.ref(column)} limit ${limit - deleted}`.execute(db);
    if (rows.length === 0) continue;
    await nextTurn();
    const ids = sql.join(rows.map((row) => row.id));
    await sql`delete from ${sql.table(table)} where id in (${ids})`.execute(db);
    deleted += rows.length;
    // A batch short of `limit` means that every table is done: the pruner stops there.
    if (deleted === limit) return deleted;
  }
  return deleted;
}

/** Before pruning the days before `date`: reports stop reading rollups of those days (only ever later). */
export async function keepFrom(db: Db, date: string): Promise<void> {
  await db.updateTable("state_rollup_zone").set({ kept_from: date }).where("kept_from", "<", date).execute();
}

/** The zone the rollups are cut in (null before they are first built) and the first day pruning kept. */
export async function rollupState(db: Db): Promise<{ zone: string | null; keptFrom: string }> {
  const row = await db.selectFrom("state_rollup_zone").select(["time_zone", "kept_from"]).executeTakeFirst();
  return { zone: row?.time_zone ? row.time_zone : null, keptFrom: row?.kept_from ?? "" };
}

/** The calendar month of `ms` in `timeZone`: its key (YYYY-MM) and its first and last midnights. */
export function monthOf(ms: number, timeZone: string): Day {
  return within("month", ms, timeZone, () => findMonth(ms, timeZone));
}

function findMonth(ms: number, timeZone: string): Day {
  const zoned = new TZDate(ms, timeZone);
  const [year, month] = [zoned.getFullYear(), zoned.getMonth()];
  return {
    date: `${year}-${pad(month + 1)}`,
    start: new TZDate(year, month, 1, timeZone).getTime(),
    end: new TZDate(year, month + 1, 1, timeZone).getTime(),
  };
}

/** The month row a closed interval adds to: it lies within the month of its start (else none). */
function monthRowOf(interval: ClosedInterval, month: Day): MonthRow | null {
  if (!withinDay(interval, month)) return null;
  const { day: _, ...row } = rollupOf(interval, month);
  return { ...row, month: month.date };
}

/** The parts of a closed interval in each day it overlaps (from `first`, its start's), as those days' totals. */
function agentDaysOf(interval: ClosedInterval, first: Day, timeZone: string): AgentDayRow[] {
  const { started_at: start, ended_at: end, status } = interval;
  const rows: AgentDayRow[] = [];
  // The next day is found only for an interval that reaches into it (finding it costs more than the rest).
  for (let day = first; day.start < end; day = nextDay(day, timeZone)) {
    const ms = Math.min(end, day.end) - Math.max(start, day.start);
    rows.push({
      day: day.date,
      agent_id: interval.agent_id,
      logged_in: status === "logged_off" ? 0 : ms,
      online: status === "online" ? ms : 0,
      paused: status === "paused" ? ms : 0,
      mission: status === "mission" ? ms : 0,
      unconfirmed: interval.confirmed === 0 ? ms : 0,
    });
    if (day.end >= end) break;
  }
  return rows;
}

function addMonths(db: Db, rows: MonthRow[]) {
  return db
    .insertInto("state_rollup_months")
    .values(rows)
    .onConflict((oc) =>
      oc
        .columns(["month", "agent_id", "status", "reason", "confirmed"])
        .doUpdateSet(merge("state_rollup_months")),
    );
}

const dayTotals = ["logged_in", "online", "paused", "mission", "unconfirmed"] as const;

function addAgentDays(db: Db, rows: AgentDayRow[]) {
  const sum = (column: (typeof dayTotals)[number]) =>
    sql<number>`${sql.ref(`state_rollup_agent_days.${column}`)} + ${sql.ref(`excluded.${column}`)}`;
  return db
    .insertInto("state_rollup_agent_days")
    .values(rows)
    .onConflict((oc) =>
      oc.columns(["day", "agent_id"]).doUpdateSet(Object.fromEntries(dayTotals.map((c) => [c, sum(c)]))),
    );
}

const addMonth = prepared((db, row: MonthRow) => addMonths(db, [row]));
const addAgentDay = prepared((db, row: AgentDayRow) => addAgentDays(db, [row]));

/** Part of rollUp: adds a closed interval to its month (when it lies within it) and to each of its days. */
async function rollUpMonthAndDays(
  tx: Db,
  interval: ClosedInterval,
  day: Day,
  timeZone: string,
): Promise<void> {
  const month = monthRowOf(interval, monthOf(interval.started_at, timeZone));
  if (month) await addMonth(tx, month);
  for (const row of agentDaysOf(interval, day, timeZone)) await addAgentDay(tx, row);
}

/** Part of the rebuild at start: one agent's months and days, from its closed intervals. */
async function rebuildMonthsAndDays(tx: Db, intervals: ClosedInterval[], timeZone: string): Promise<void> {
  const months = new Map<string, MonthRow>();
  const days = new Map<string, AgentDayRow>();
  let [month, day]: (Day | null)[] = [null, null];
  for (const interval of intervals) {
    const { started_at: start } = interval;
    if (!month || start < month.start || start >= month.end) month = monthOf(start, timeZone);
    if (!day || start < day.start || start >= day.end) day = dayOf(start, timeZone);
    const add = monthRowOf(interval, month);
    if (add) addTo(months, [add.month, add.status, add.reason, add.confirmed].join("\u0000"), add);
    for (const part of agentDaysOf(interval, day, timeZone)) {
      const sum = days.get(part.day);
      if (!sum) days.set(part.day, part);
      else for (const field of dayTotals) sum[field] += part[field];
    }
  }
  const [monthRows, dayRows] = [[...months.values()], [...days.values()]];
  for (let i = 0; i < monthRows.length; i += CHUNK)
    await addMonths(tx, monthRows.slice(i, i + CHUNK)).execute();
  for (let i = 0; i < dayRows.length; i += CHUNK)
    await addAgentDays(tx, dayRows.slice(i, i + CHUNK)).execute();
}
