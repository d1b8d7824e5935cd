// A day's timeline (issue 12): the intervals of every agent that was logged in during [from, to), for the
// reports page's chart, in two queries: which agents (of a queue, when given), then their intervals.
import type { TimelineAgent } from "@crystal-console/api";
import type { ExpressionBuilder, Kysely } from "kysely";
import { toInterval } from "./history.ts";
import { byNumericId } from "./json.ts";
import type { Database } from "./schema.ts";

type Db = Kysely<Database>;

export type TimelineRange = { from: number; to: number; queueId?: string | undefined; limit: number };

const overlaps = (from: number, to: number) => (eb: ExpressionBuilder<Database, "state_history">) =>
  eb.and([eb("started_at", "<", to), eb.or([eb("ended_at", "is", null), eb("ended_at", ">", from)])]);

/**
 * The agents logged in at some time of [from, to), by id, the first `limit` of them with their intervals
 * that overlap it (oldest first); and how many agents there were in all.
 */
export async function dayTimeline(
  db: Db,
  range: TimelineRange,
): Promise<{ agentCount: number; agents: TimelineAgent[] }> {
  let present = db
    .selectFrom("state_history")
    .select("agent_id")
    .distinct()
    .where(overlaps(range.from, range.to))
    .where("status", "<>", "logged_off");
  if (range.queueId) {
    present = present.where(
      "agent_id",
      "in",
      db.selectFrom("memberships").select("agent_id").where("queue_id", "=", range.queueId),
    );
  }
  const ids = (await present.execute()).map((row) => row.agent_id).sort(byNumericId);
  const shown = ids.slice(0, range.limit);
  if (shown.length === 0) return { agentCount: ids.length, agents: [] };
  const rows = await db
    .selectFrom("state_history")
    .selectAll()
    .where("agent_id", "in", shown)
    .where(overlaps(range.from, range.to))
    .orderBy("id")
    .execute();
  const names = await db.selectFrom("agents").select(["id", "name"]).where("id", "in", shown).execute();
  const nameOf = new Map(names.map((agent) => [agent.id, agent.name]));
  const agents = new Map<string, TimelineAgent>(
    shown.map((id) => [id, { agentId: id, name: nameOf.get(id) ?? id, intervals: [] }]),
  );
  for (const row of rows) agents.get(row.agent_id)?.intervals.push(toInterval(row));
  return { agentCount: ids.length, agents: [...agents.values()] };
}
