// Reports over the state history (history.ts): each agent's time per state in a range, added up in SQL (one
// pass over the intervals that overlap the range, each clipped to it; the open one ends now), then folded
// into the contract's shape here. Both dialects run the same CASE expressions; sums are cast to bigint so
// that PostgreSQL answers numbers, not numerics.
import type { AgentStatus } from "@crystal-console/api";
import { type Kysely, sql } from "kysely";
import { byNumericId } from "./json.ts";
import type { Database } from "./schema.ts";

type Db = Kysely<Database>;

export type AgentTimeRange = { from: number; to: number; now: number; queueId?: string | undefined };

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

/** Each agent's time per state in [from, to), in agent id order; agents of `queueId` only, when given. */
export async function agentTime(db: Db, range: AgentTimeRange): Promise<AgentTime[]> {
  const { from, to, now } = range;
  const end = sql<number>`case when coalesce(h.ended_at, ${now}) > ${to} then ${to} else coalesce(h.ended_at, ${now}) end`;
  const start = sql<number>`case when h.started_at < ${from} then ${from} else h.started_at end`;
  const inRange = sql`h.started_at >= ${from}`;
  const queueFilter = range.queueId
    ? sql`and h.agent_id in (select agent_id from memberships where queue_id = ${range.queueId})`
    : sql``;
  const { rows } = await sql<GroupRow>`
    select h.agent_id, h.status, h.reason, h.confirmed,
      cast(sum(${end} - ${start}) as bigint) as ms,
      cast(sum(case when h.starts_state = 1 and ${inRange} then 1 else 0 end) as bigint) as starts,
      cast(max(${end} - ${start}) as bigint) as longest,
      cast(min(case when h.status <> 'logged_off' then ${start} end) as bigint) as first_in,
      cast(max(case when h.status = 'logged_off' and h.starts_state = 1 and h.prev_status is not null
        and h.prev_status <> 'logged_off' and ${inRange} then h.started_at end) as bigint) as last_off
    from state_history h
    where h.started_at < ${to} and (h.ended_at is null or h.ended_at > ${from}) ${queueFilter}
    group by h.agent_id, h.status, h.reason, h.confirmed`.execute(db);
  const names = await db.selectFrom("agents").select(["id", "name"]).execute();
  const nameOf = new Map(names.map((agent) => [agent.id, agent.name]));
  const byAgent = new Map<string, AgentTime>();
  for (const row of rows) {
    let agent = byAgent.get(row.agent_id);
    if (!agent) {
      agent = emptyAgentTime(row.agent_id, nameOf.get(row.agent_id) ?? row.agent_id);
      byAgent.set(row.agent_id, agent);
    }
    addGroup(agent, row);
  }
  return [...byAgent.values()].sort((a, b) => byNumericId(a.agentId, b.agentId));
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
