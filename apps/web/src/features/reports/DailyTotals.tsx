// The report's totals per day (issue 12): for all agents added up, or for the agent chosen, one row per day
// of the range with its length in hours, and the same as CSV (one row per agent and day).
import type { AgentTimeQuery, AgentTimeResponse } from "@crystal-console/api";
import { useId, useState } from "react";
import { useFormat, useT, type MessageKey } from "../../i18n/i18n.tsx";
import { buttonClass, inputClass } from "../../lib/ui.tsx";
import { agentDaysCsvUrl } from "./queries.ts";

type AgentDay = AgentTimeResponse["agentDays"][number];
const figures = [
  "loggedInSeconds",
  "onlineSeconds",
  "pausedSeconds",
  "missionSeconds",
  "unconfirmedSeconds",
] as const;
const headings: Record<(typeof figures)[number], MessageKey> = {
  loggedInSeconds: "report.loggedIn",
  onlineSeconds: "report.online",
  pausedSeconds: "report.paused",
  missionSeconds: "report.mission",
  unconfirmedSeconds: "report.unconfirmed",
};

/** Each day's figures over `rows` (one agent's, or everyone's added up). */
function perDay(report: AgentTimeResponse, rows: AgentDay[]) {
  return report.days.map((day) => {
    const sums = Object.fromEntries(figures.map((figure) => [figure, 0])) as Record<
      (typeof figures)[number],
      number
    >;
    for (const row of rows) {
      if (row.date !== day.date) continue;
      for (const figure of figures) sums[figure] += row[figure];
    }
    return { ...day, ...sums };
  });
}

export default function DailyTotals({ report, query }: { report: AgentTimeResponse; query: AgentTimeQuery }) {
  const t = useT();
  const format = useFormat();
  const selectId = useId();
  const [agentId, setAgentId] = useState("");
  const rows = perDay(
    report,
    agentId === "" ? report.agentDays : report.agentDays.filter((row) => row.agentId === agentId),
  );
  return (
    <section aria-labelledby={`${selectId}-title`} className="space-y-2">
      <div className="flex flex-wrap items-end gap-3">
        <h2 id={`${selectId}-title`} className="text-lg font-semibold">
          {t("reports.days.title")}
        </h2>
        <label htmlFor={selectId} className="text-sm">
          {t("reports.days.agent")}{" "}
          <select
            id={selectId}
            value={agentId}
            onChange={(event) => setAgentId(event.target.value)}
            className={inputClass}
          >
            <option value="">{t("reports.days.allAgents")}</option>
            {report.agents.map((agent) => (
              <option key={agent.agentId} value={agent.agentId}>
                {agent.name} ({agent.agentId})
              </option>
            ))}
          </select>
        </label>
        <a className={buttonClass("secondary")} href={agentDaysCsvUrl(query)} download>
          {t("reports.days.downloadCsv")}
        </a>
      </div>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-sm">
          <caption className="sr-only">{t("reports.days.caption")}</caption>
          <thead className="bg-slate-50 text-xs text-slate-700">
            <tr>
              <th scope="col" className="px-2 py-2 text-start font-semibold">
                {t("reports.days.date")}
              </th>
              <th scope="col" className="px-2 py-2 text-start font-semibold">
                {t("reports.days.hours")}
              </th>
              {figures.map((figure) => (
                <th key={figure} scope="col" className="px-2 py-2 text-start font-semibold">
                  {t(headings[figure])}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((day) => (
              <tr key={day.date} className="border-t border-slate-100">
                <th scope="row" className="px-2 py-1 text-start font-medium tabular-nums">
                  <bdi dir="ltr">{day.date}</bdi>
                </th>
                <td className="px-2 py-1 tabular-nums">{format.number(day.hours)}</td>
                {figures.map((figure) => (
                  <td key={figure} className="px-2 py-1 tabular-nums">
                    {format.duration(day[figure] * 1000)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
