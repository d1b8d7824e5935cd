// Daily rollups of the state history (issue 12; docs/decisions/027-report-rollups.md). When an interval
// closes, in the same commit that closes it (history.ts), it goes to one of two places:
//   - it lies within one day of the rollups' zone: it is added to that day's row of its agent, status,
//     reason and confirmation in state_rollups (seconds, starts, longest, first login, last logoff);
//   - it crosses a midnight (or lasts no time exactly at one): it is copied whole to state_history_spans.
// A report over whole days then reads the day rows, and reads intervals only for the spans, the open
// intervals and the days at the ends of the range that are not whole (reports.ts). The zone the rollups are
// cut in is kept in state_rollup_zone; a console that starts with another TIME_ZONE rebuilds them.
import { TZDate } from "@date-fns/tz";
import { type Kysely, sql } from "kysely";
import { prepared } from "./prepared.ts";
import type { Database, HistoryRow, StateHistorySpansTable, StateRollupsTable } from "./schema.ts";

type Db = Kysely<Database>;

export type Day = { date: string; start: number; end: number };

const pad = (n: number) => String(n).padStart(2, "0");

/** The day of `ms` in `timeZone`: its date (YYYY-MM-DD) and its midnights (a day may last 23 or 25 hours). */
export function dayOf(ms: number, timeZone: string): Day {
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

/** Whether a closed interval is added to its day's rollup (else it is a span). */
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

const larger = (column: "longest" | "last_off") =>
  sql<number>`case when state_rollups.${sql.ref(column)} is null or excluded.${sql.ref(column)} > state_rollups.${sql.ref(column)} then excluded.${sql.ref(column)} else state_rollups.${sql.ref(column)} end`;

/** Adds rollup rows to their day's totals (one row per key). */
function addRollups(db: Db, rows: RollupRow[]) {
  return db
    .insertInto("state_rollups")
    .values(rows)
    .onConflict((oc) =>
      oc.columns(["day", "agent_id", "status", "reason", "confirmed"]).doUpdateSet({
        ms: sql`state_rollups.ms + excluded.ms`,
        starts: sql`state_rollups.starts + excluded.starts`,
        longest: larger("longest"),
        first_in: sql`case when state_rollups.first_in is null or excluded.first_in < state_rollups.first_in then excluded.first_in else state_rollups.first_in end`,
        last_off: larger("last_off"),
      }),
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
    const agents = await tx.selectFrom("state_history").select("agent_id").distinct().execute();
    for (const { agent_id } of agents) await rebuildAgent(tx, agent_id, timeZone);
    return true;
  });
  zones.set(db.getExecutor().adapter, timeZone);
  return rebuilt;
}

async function rebuildAgent(tx: Db, agentId: string, timeZone: string): Promise<void> {
  const intervals = await tx
    .selectFrom("state_history")
    .selectAll()
    .where("agent_id", "=", agentId)
    .where("ended_at", "is not", null)
    .orderBy("id")
    .execute();
  const rollups = new Map<string, RollupRow>();
  const spans: StateHistorySpansTable[] = [];
  let day: Day | null = null;
  for (const row of intervals) {
    const interval = { ...row, ended_at: row.ended_at ?? row.started_at };
    if (!day || interval.started_at < day.start || interval.started_at >= day.end) {
      day = dayOf(interval.started_at, timeZone);
    }
    if (!withinDay(interval, day)) {
      spans.push(spanOf(interval));
      continue;
    }
    const add = rollupOf(interval, day);
    const key = [add.day, add.status, add.reason, add.confirmed].join("\u0000");
    const sum = rollups.get(key);
    if (!sum) {
      rollups.set(key, add);
      continue;
    }
    sum.ms += add.ms;
    sum.starts += add.starts;
    sum.longest = Math.max(sum.longest, add.longest);
    if (add.first_in !== null && (sum.first_in === null || add.first_in < sum.first_in)) {
      sum.first_in = add.first_in;
    }
    if (add.last_off !== null && (sum.last_off === null || add.last_off > sum.last_off)) {
      sum.last_off = add.last_off;
    }
  }
  const rows = [...rollups.values()];
  for (let i = 0; i < rows.length; i += CHUNK) await addRollups(tx, rows.slice(i, i + CHUNK)).execute();
  for (let i = 0; i < spans.length; i += CHUNK) {
    await tx
      .insertInto("state_history_spans")
      .values(spans.slice(i, i + CHUNK))
      .execute();
  }
}

/** Deletes up to `limit` rollup rows of days before `beforeDate`; returns how many (the pruner's batches). */
export async function pruneRollupsBatch(db: Db, beforeDate: string, limit: number): Promise<number> {
  const ids = await db
    .selectFrom("state_rollups")
    .select("id")
    .where("day", "<", beforeDate)
    .orderBy("day")
    .limit(limit)
    .execute();
  if (ids.length === 0) return 0;
  await db
    .deleteFrom("state_rollups")
    .where(
      "id",
      "in",
      ids.map((row) => row.id),
    )
    .execute();
  return ids.length;
}
