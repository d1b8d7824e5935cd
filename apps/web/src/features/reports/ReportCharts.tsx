// The report's charts (recharts, docs/decisions/025-history-reports.md): time per state for the agents with
// the most logged-in time, and pause time per reason. Loaded only with the reports page.
import type { AgentTime } from "@crystal-console/api";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useFormat, useT } from "../../i18n/i18n.tsx";
import { pauseReasonText, stateLabels } from "../agents/state.tsx";
import { durationTicks } from "./duration-ticks.ts";

/** The same colours as the board's state dots (emerald-600, amber-500, violet-600). */
const colours = { online: "#059669", paused: "#f59e0b", mission: "#7c3aed" } as const;
const chartStates = ["online", "paused", "mission"] as const;
const TOP_AGENTS = 15;

export default function ReportCharts({ agents }: { agents: AgentTime[] }) {
  const t = useT();
  const format = useFormat();
  const top = [...agents].sort((a, b) => b.loggedInSeconds - a.loggedInSeconds).slice(0, TOP_AGENTS);
  const perAgent = top.map((agent) => ({
    name: agent.name,
    online: agent.onlineSeconds,
    paused: agent.pausedSeconds,
    mission: agent.missionSeconds,
  }));
  const reasons = new Map<string, number>();
  for (const agent of agents)
    for (const pause of agent.pauses) {
      const reason = pause.reason === null ? t("report.noReason") : pauseReasonText(t, pause.reason);
      reasons.set(reason, (reasons.get(reason) ?? 0) + pause.seconds);
    }
  const perReason = [...reasons].map(([reason, seconds]) => ({ reason, paused: seconds }));
  const asDuration = (value: unknown) => format.duration(Number(value) * 1000);
  // Both value axes in whole, round steps: recharts' own ticks are fractions that read alike once formatted.
  const agentTicks = durationTicks(Math.max(0, ...perAgent.map((a) => a.online + a.paused + a.mission)));
  const reasonTicks = durationTicks(Math.max(0, ...perReason.map((r) => r.paused)));
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <figure className="rounded-lg border border-slate-200 bg-white p-3">
        <figcaption className="mb-2 text-sm font-semibold">{t("report.chartPerAgent")}</figcaption>
        <div className="h-72">
          <ResponsiveContainer>
            <BarChart data={perAgent} layout="vertical" margin={{ left: 8, right: 8 }}>
              <CartesianGrid strokeDasharray="3 3" horizontal={false} />
              <XAxis
                type="number"
                ticks={agentTicks}
                domain={[0, agentTicks.at(-1) ?? 0]}
                interval={0}
                tickFormatter={asDuration}
              />
              <YAxis type="category" dataKey="name" width={110} />
              <Tooltip formatter={asDuration} />
              <Legend />
              {chartStates.map((status) => (
                <Bar
                  key={status}
                  dataKey={status}
                  name={t(stateLabels[status])}
                  stackId="state"
                  fill={colours[status]}
                />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </div>
      </figure>
      <figure className="rounded-lg border border-slate-200 bg-white p-3">
        <figcaption className="mb-2 text-sm font-semibold">{t("report.chartPerReason")}</figcaption>
        <div className="h-72">
          <ResponsiveContainer>
            <BarChart data={perReason} margin={{ left: 8, right: 8 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="reason" />
              <YAxis
                ticks={reasonTicks}
                domain={[0, reasonTicks.at(-1) ?? 0]}
                interval={0}
                tickFormatter={asDuration}
                width={70}
              />
              <Tooltip formatter={asDuration} />
              <Bar dataKey="paused" name={t(stateLabels.paused)} fill={colours.paused} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      </figure>
    </div>
  );
}
