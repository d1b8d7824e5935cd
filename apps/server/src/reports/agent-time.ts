// The agent-time report (issue 12): each agent's time per state over whole days of the call centre's time
// zone (TIME_ZONE), from the state history. A day is midnight to midnight in that zone, so a daylight-saving
// day is 23 or 25 hours long, and the answer says so; a range that reaches before the history kept
// (HISTORY_RETENTION_DAYS) says that too.
import type { AgentTimeQuery, AgentTimeResponse } from "@crystal-console/api";
import { TZDate } from "@date-fns/tz";
import { neutraliseCell, writeCsv } from "../import/csv.ts";
import type { Registry } from "../registry/open.ts";
import { agentTime } from "../registry/reports.ts";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export type ReportSettings = { timeZone: string; retentionDays: number };

/** The days from `from` to `to` (both included, YYYY-MM-DD), each from its midnight in `timeZone` to the next. */
export function zonedDays(from: string, to: string, timeZone: string) {
  const [year = 0, month = 1, day = 1] = from.split("-").map(Number);
  const midnight = (offset: number) => new TZDate(year, month - 1, day + offset, timeZone).getTime();
  const days: { date: string; hours: number }[] = [];
  for (let offset = 0; ; offset += 1) {
    const date = new Date(Date.UTC(year, month - 1, day + offset)).toISOString().slice(0, 10);
    if (date > to) break;
    days.push({ date, hours: (midnight(offset + 1) - midnight(offset)) / HOUR_MS });
  }
  return { from: midnight(0), to: midnight(days.length), days };
}

export async function agentTimeReport(
  db: Registry,
  settings: ReportSettings,
  query: AgentTimeQuery,
  now = Date.now(),
): Promise<AgentTimeResponse> {
  const range = zonedDays(query.from, query.to, settings.timeZone);
  const oldestKept = now - settings.retentionDays * DAY_MS;
  const { agents, agentDays } = await agentTime(db, {
    from: range.from,
    to: range.to,
    now,
    timeZone: settings.timeZone,
    queueId: query.queueId,
  });
  for (const agent of agents) agent.pauses.sort((a, b) => b.seconds - a.seconds);
  return {
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    timeZone: settings.timeZone,
    days: range.days,
    retention: {
      days: settings.retentionDays,
      oldestKept: new Date(oldestKept).toISOString(),
      startsBeforeRetention: range.from < oldestKept,
    },
    agents,
    agentDays,
  };
}

const fixedColumns = [
  "agent_id",
  "name",
  "logged_in_seconds",
  "online_seconds",
  "paused_seconds",
  "mission_seconds",
  "unconfirmed_seconds",
  "first_login_at",
  "last_logoff_at",
] as const;

const dayColumns = [
  "agent_id",
  "date",
  "logged_in_seconds",
  "online_seconds",
  "paused_seconds",
  "mission_seconds",
  "unconfirmed_seconds",
] as const;

/** The report's per-day totals as CSV (through the one writer): one row per agent and day. */
export function agentDaysCsv(report: AgentTimeResponse): string {
  return writeCsv(
    dayColumns,
    report.agentDays.map((day) => ({
      agent_id: day.agentId,
      date: day.date,
      logged_in_seconds: day.loggedInSeconds,
      online_seconds: day.onlineSeconds,
      paused_seconds: day.pausedSeconds,
      mission_seconds: day.missionSeconds,
      unconfirmed_seconds: day.unconfirmedSeconds,
    })),
  );
}

/** The report as CSV (through the one writer): one row per agent, three columns per pause reason. */
export function agentTimeCsv(report: AgentTimeResponse): string {
  const reasons = [
    ...new Set(report.agents.flatMap((agent) => agent.pauses.map((p) => p.reason ?? ""))),
  ].sort();
  const reasonColumns = reasons.map((reason) => {
    const name = neutraliseCell(reason === "" ? "no_reason" : reason);
    return {
      reason,
      count: `pause_${name}_count`,
      seconds: `pause_${name}_seconds`,
      longest: `pause_${name}_longest_seconds`,
    };
  });
  const columns = [...fixedColumns, ...reasonColumns.flatMap((c) => [c.count, c.seconds, c.longest])];
  return writeCsv(
    columns,
    report.agents.map((agent) => {
      const record: Record<string, string | number> = {
        agent_id: agent.agentId,
        name: agent.name,
        logged_in_seconds: agent.loggedInSeconds,
        online_seconds: agent.onlineSeconds,
        paused_seconds: agent.pausedSeconds,
        mission_seconds: agent.missionSeconds,
        unconfirmed_seconds: agent.unconfirmedSeconds,
        first_login_at: agent.firstLoginAt ?? "",
        last_logoff_at: agent.lastLogoffAt ?? "",
      };
      for (const column of reasonColumns) {
        const pause = agent.pauses.find((p) => (p.reason ?? "") === column.reason);
        record[column.count] = pause?.count ?? 0;
        record[column.seconds] = pause?.seconds ?? 0;
        record[column.longest] = pause?.longestSeconds ?? 0;
      }
      return record;
    }),
  );
}
