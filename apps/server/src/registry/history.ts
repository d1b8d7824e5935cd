// State history (issue 12; docs/decisions/025-history-reports.md): every state interval of every agent,
// written by the one commit (commit.ts) from the agent events of that commit, in the same transaction as the
// agent row, the audit row and the event rows. An interval is a stretch of one status, extension, pause
// reason and confirmation; each agent's latest row is its open interval (`ended_at` null until the next).
import type { Agent, ConsoleEvent, HistoryInterval } from "@crystal-console/api";
import type { Kysely } from "kysely";
import { prepared } from "./prepared.ts";
import type { Database, HistoryCause, HistoryRow } from "./schema.ts";

type Db = Kysely<Database>;

/** Why the commit changed the agents it reports, and who did it (the audit row's actor). */
export type HistoryContext = { cause: HistoryCause; actor: string | null };

const latestOfAgent = prepared((db, p: { agentId: string }) =>
  db.selectFrom("state_history").selectAll().where("agent_id", "=", p.agentId).orderBy("id", "desc").limit(1),
);

const closeInterval = prepared((db, p: { id: number; endedAt: number; late: number }) =>
  db.updateTable("state_history").set({ ended_at: p.endedAt, end_late: p.late }).where("id", "=", p.id),
);

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
  const open = await openInterval(tx, agent.id);
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
  if (open) await closeInterval(tx, { id: open.id, endedAt: startedAt, late });
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

async function openInterval(tx: Db, agentId: string): Promise<HistoryRow | undefined> {
  const [latest] = (await latestOfAgent(tx, { agentId })).rows;
  return latest?.ended_at === null ? latest : undefined;
}

async function endOpenInterval(tx: Db, agentId: string, now: number): Promise<void> {
  const open = await openInterval(tx, agentId);
  if (open) await closeInterval(tx, { id: open.id, endedAt: Math.max(now, open.started_at), late: 0 });
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
 * Deletes up to `limit` closed intervals that ended before `before`, oldest first; returns how many. Small
 * batches keep each delete's transaction (and SQLite's write lock) short.
 */
export async function pruneHistoryBatch(db: Db, before: number, limit: number): Promise<number> {
  const result = await db
    .deleteFrom("state_history")
    .where(
      "id",
      "in",
      db
        .selectFrom("state_history")
        .select("id")
        .where("started_at", "<", before)
        .where("ended_at", "<", before)
        .orderBy("started_at")
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
