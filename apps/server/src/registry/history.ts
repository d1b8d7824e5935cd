// State history (issue 12; docs/decisions/025-history-reports.md): every state interval of every agent,
// written by the one commit (commit.ts) from the agent events of that commit, in the same transaction as the
// agent row, the audit row and the event rows. An interval is a stretch of one status, extension, pause
// reason and confirmation; each agent's latest row is its open interval (`ended_at` null until the next).
import type { Agent, ConsoleEvent, HistoryInterval } from "@crystal-console/api";
import { type Kysely, sql } from "kysely";
import { jsonObject, parseJsonObject } from "./json.ts";
import { prepared } from "./prepared.ts";
import { dayOf, nextTurn, rollUp, rollupZone } from "./rollups.ts";
import type { Database, HistoryCause, HistoryRow } from "./schema.ts";

type Db = Kysely<Database>;

/**
 * Why the commit changed the agents it reports, and who did it (the audit row's actor); and the agent whose
 * row the commit locked before writing it (commit.ts), whose latest interval its write read (below).
 */
export type HistoryContext = { cause: HistoryCause; actor: string | null; lockedAgent?: string | null };

const HISTORY_COLUMNS = Object.keys({
  id: true,
  agent_id: true,
  status: true,
  extension: true,
  reason: true,
  started_at: true,
  ended_at: true,
  confirmed: true,
  by_actor: true,
  cause: true,
  start_late: true,
  end_late: true,
  starts_state: true,
  prev_status: true,
} satisfies Record<keyof HistoryRow, true>);

/**
 * The agent's latest interval, for the statement that writes the agent's state (agents.ts): read there, in
 * the same statement, the commit's history step need not read it again. Only for the agent whose row the
 * commit locked first: on PostgreSQL a statement sees the rows committed before it began, and only that lock
 * (held before the statement) guarantees that no other commit's interval for the agent lands in between.
 */
export const latestIntervalOfAgent = (db: Db) =>
  jsonObject(
    db,
    HISTORY_COLUMNS,
    sql`select * from "state_history" where "state_history"."agent_id" = "agents"."id" order by "state_history"."id" desc limit 1`,
  ).as("latest_interval");

/** The latest intervals that the agent writes of a transaction read (latestIntervalOfAgent), by agent. */
const readByWrites = new WeakMap<Db, Map<string, HistoryRow | null>>();

/** Keeps what an agent write read of the agent's latest interval, for this transaction's history step. */
export function noteLatestInterval(tx: Db, agentId: string, json: unknown): void {
  let read = readByWrites.get(tx);
  if (!read) readByWrites.set(tx, (read = new Map<string, HistoryRow | null>()));
  read.set(agentId, parseJsonObject<HistoryRow>(json));
}

const latestOfAgent = prepared((db, p: { agentId: string }) =>
  db.selectFrom("state_history").selectAll().where("agent_id", "=", p.agentId).orderBy("id", "desc").limit(1),
);

const setEnd = prepared((db, p: { id: number; endedAt: number; late: number }) =>
  db.updateTable("state_history").set({ ended_at: p.endedAt, end_late: p.late }).where("id", "=", p.id),
);

/** Closes the open interval `open` at `endedAt`, and adds it to the daily rollups (rollups.ts). */
async function closeInterval(tx: Db, open: HistoryRow, endedAt: number, late: number): Promise<void> {
  await setEnd(tx, { id: open.id, endedAt, late });
  await rollUp(tx, { ...open, ended_at: endedAt, end_late: late });
}

type NewInterval = Omit<HistoryRow, "id" | "ended_at" | "end_late">;

const insertInterval = prepared((db, p: NewInterval) =>
  db.insertInto("state_history").values({ ...p, ended_at: null, end_late: 0 }),
);

/** One more step of every commit: the intervals its agent events start and end. */
export async function recordHistory(
  tx: Db,
  events: readonly ConsoleEvent[],
  context: HistoryContext,
  now: number,
): Promise<void> {
  for (const event of events) {
    if (event.type === "agent") await recordAgent(tx, event.agent, context, now);
    if (event.type === "agentDeleted") await endOpenInterval(tx, event.agentId, now);
  }
}

const sameState = (row: HistoryRow, agent: Agent) =>
  row.status === agent.status && row.extension === agent.extension && row.reason === agent.pauseReason;

async function recordAgent(tx: Db, agent: Agent, context: HistoryContext, now: number): Promise<void> {
  const open = await openInterval(tx, agent.id, context.lockedAgent === agent.id);
  const confirmed = agent.confirmed ? 1 : 0;
  if (open && sameState(open, agent) && open.confirmed === confirmed) return;
  const stateChanged = !open || !sameState(open, agent);
  // A new state starts when the agent row says it did (status_since); a change of confirmation, or of the
  // pause reason within one pause, at the commit.
  const since = Date.parse(agent.statusSince);
  const startedAt =
    stateChanged && (!open || since > open.started_at) ? since : Math.max(now, open?.started_at ?? now);
  // Learned late: an answer revealed a state the PBX reached earlier, or a settle found out what an unknown
  // outcome did; the change happened at some time before this one, which the console cannot know.
  const late = stateChanged && (context.cause === "correction" || context.cause === "settle") ? 1 : 0;
  if (open) await closeInterval(tx, open, startedAt, late);
  await insertInterval(tx, {
    agent_id: agent.id,
    status: agent.status,
    extension: agent.extension,
    reason: agent.pauseReason,
    started_at: startedAt,
    confirmed,
    by_actor: stateChanged ? agent.statusBy : (context.actor ?? agent.statusBy),
    cause: context.cause,
    start_late: late,
    starts_state: stateChanged ? 1 : 0,
    prev_status: open?.status ?? null,
  });
}

/**
 * The agent's open interval: as the agent's write in this transaction read it, when `locked` (see
 * latestIntervalOfAgent), else read now. What a write read is used once: this step changes the history.
 */
async function openInterval(tx: Db, agentId: string, locked = false): Promise<HistoryRow | undefined> {
  const read = readByWrites.get(tx);
  const noted = locked ? read?.get(agentId) : undefined;
  read?.delete(agentId);
  const latest = noted !== undefined ? noted : (await latestOfAgent(tx, { agentId })).rows[0];
  return latest?.ended_at === null ? latest : undefined;
}

async function endOpenInterval(tx: Db, agentId: string, now: number): Promise<void> {
  const open = await openInterval(tx, agentId);
  if (open) await closeInterval(tx, open, Math.max(now, open.started_at), 0);
}

const iso = (ms: number) => new Date(ms).toISOString();

export function toInterval(row: HistoryRow): HistoryInterval {
  return {
    status: row.status,
    extension: row.extension,
    reason: row.reason,
    from: iso(row.started_at),
    to: row.ended_at === null ? null : iso(row.ended_at),
    confirmed: row.confirmed === 1,
    fromLate: row.start_late === 1,
    toLate: row.end_late === 1,
    by: { cause: row.cause, actor: row.by_actor },
  };
}

/** The agent's intervals that overlap [from, to), oldest first. */
export async function agentHistory(
  db: Db,
  agentId: string,
  from: number,
  to: number,
): Promise<HistoryInterval[]> {
  const rows = await db
    .selectFrom("state_history")
    .selectAll()
    .where("agent_id", "=", agentId)
    .where("started_at", "<", to)
    .where((eb) => eb.or([eb("ended_at", "is", null), eb("ended_at", ">", from)]))
    .orderBy("id")
    .execute();
  return rows.map(toInterval);
}

/**
 * The moment before which the pruner deletes closed intervals: the limit `before`, moved back to the
 * midnight that starts its day in the rollups' zone, so that a day is pruned whole (its rollups with it).
 */
export async function pruneCutoff(db: Db, before: number): Promise<{ at: number; date: string | null }> {
  const zone = await rollupZone(db);
  if (zone === null) return { at: before, date: null };
  const day = dayOf(before, zone);
  return { at: day.start, date: day.date };
}

/**
 * Deletes up to `limit` closed intervals that ended by the cutoff (pruneCutoff), oldest first, with their
 * spans; returns how many. The ids are read first, outside the delete's transaction, so that SQLite's write
 * lock is held only while those rows are deleted by their keys; requests waiting for the event loop (SQLite
 * answers synchronously) run between the read and the delete.
 */
export async function pruneHistoryBatch(db: Db, cutoff: { at: number }, limit: number): Promise<number> {
  const rows = await db
    .selectFrom("state_history")
    .select("id")
    .where("started_at", "<", cutoff.at)
    .where("ended_at", "<=", cutoff.at)
    .orderBy("started_at")
    .limit(limit)
    .execute();
  const ids = rows.map((row) => row.id);
  if (ids.length > 0) {
    await nextTurn();
    await db.transaction().execute(async (tx) => {
      await tx.deleteFrom("state_history").where("id", "in", ids).execute();
      await tx.deleteFrom("state_history_spans").where("id", "in", ids).execute();
    });
  }
  return ids.length;
}
