// The reports page (admin, supervisor): each agent's time per state over whole days of the call centre's
// time zone, with totals, charts, and the same as CSV. Its chart library loads with this page only.
import { agentTimeQuerySchema, type AgentTimeQuery, type AgentTimeResponse } from "@crystal-console/api";
import { useState, type FormEvent } from "react";
import { T, useFormat, useT, type MessageKey } from "../../i18n/i18n.tsx";
import { formString, zodErrors, type FormErrors } from "../../lib/forms.ts";
import { ErrorNotice, Field, PageHeader, Spinner, buttonClass, inputClass } from "../../lib/ui.tsx";
import { PauseReason } from "../agents/state.tsx";
import { useQueues } from "../queues/queries.ts";
import DailyTotals from "./DailyTotals.tsx";
import ReportCharts from "./ReportCharts.tsx";
import { DayTimeline } from "./DayTimeline.tsx";
import { agentTimeCsvUrl, useAgentTimeReport } from "./queries.ts";

const tableColumns: MessageKey[] = [
  "report.agent",
  "report.loggedIn",
  "report.online",
  "report.paused",
  "report.mission",
  "report.unconfirmed",
  "report.pauses",
  "report.firstLogin",
  "report.lastLogoff",
];

/** Today's date in this browser, as YYYY-MM-DD. */
function today(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export default function ReportsPage() {
  const t = useT();
  const [query, setQuery] = useState<AgentTimeQuery>(() => ({ from: today(), to: today() }));
  const [errors, setErrors] = useState<FormErrors>({});
  const report = useAgentTimeReport(query);
  const queues = useQueues();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const queueId = formString(data, "queueId");
    const parsed = agentTimeQuerySchema.safeParse({
      from: formString(data, "from"),
      to: formString(data, "to"),
      ...(queueId ? { queueId } : {}),
    });
    if (!parsed.success) {
      setErrors(zodErrors(parsed.error));
      return;
    }
    setErrors({});
    setQuery(parsed.data);
  }

  return (
    <main className="mx-auto max-w-7xl p-4">
      <PageHeader title={t("report.title")}>
        <a className={buttonClass("secondary")} href={agentTimeCsvUrl(query)} download>
          {t("report.downloadCsv")}
        </a>
      </PageHeader>
      <form
        onSubmit={onSubmit}
        className="mb-4 flex flex-wrap items-end gap-3"
        aria-label={t("report.range")}
      >
        <Field label={t("report.from")} error={errors.from}>
          {(props) => (
            <input {...props} name="from" type="date" defaultValue={query.from} className={inputClass} />
          )}
        </Field>
        <Field label={t("report.to")} error={errors.to}>
          {(props) => (
            <input {...props} name="to" type="date" defaultValue={query.to} className={inputClass} />
          )}
        </Field>
        <Field label={t("report.queue")} error={errors.queueId}>
          {(props) => (
            <select {...props} name="queueId" defaultValue={query.queueId ?? ""} className={inputClass}>
              <option value="">{t("report.allQueues")}</option>
              {queues.data?.map((queue) => (
                <option key={queue.id} value={queue.id}>
                  {queue.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" className={buttonClass("primary")}>
          {t("report.show")}
        </button>
      </form>
      {report.isPending ? (
        <Spinner label={t("report.loading")} />
      ) : report.isError ? (
        <ErrorNotice error={report.error} title={t("report.loadFailed")} />
      ) : (
        <>
          <Report report={report.data} query={query} />
          <DayTimeline
            key={`${report.data.from}/${report.data.to}/${query.queueId ?? ""}`}
            days={report.data.days.map((day) => day.date)}
            queueId={query.queueId}
          />
        </>
      )}
    </main>
  );
}

function Report({ report, query }: { report: AgentTimeResponse; query: AgentTimeQuery }) {
  const t = useT();
  const format = useFormat();
  const sum = (pick: (agent: AgentTimeResponse["agents"][number]) => number) =>
    report.agents.reduce((total, agent) => total + pick(agent), 0);
  const totals = [
    { label: t("report.agents"), value: format.number(report.agents.length) },
    { label: t("report.loggedIn"), value: format.duration(sum((a) => a.loggedInSeconds) * 1000) },
    { label: t("report.online"), value: format.duration(sum((a) => a.onlineSeconds) * 1000) },
    { label: t("report.paused"), value: format.duration(sum((a) => a.pausedSeconds) * 1000) },
    { label: t("report.mission"), value: format.duration(sum((a) => a.missionSeconds) * 1000) },
    { label: t("report.unconfirmed"), value: format.duration(sum((a) => a.unconfirmedSeconds) * 1000) },
  ];
  const oddDays = report.days.filter((day) => day.hours !== 24);
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-700">
        <T k="report.cutIn" values={{ zone: <bdi dir="ltr">{report.timeZone}</bdi> }} />
      </p>
      {oddDays.map((day) => (
        <p key={day.date} role="note" className="rounded-md bg-sky-50 p-2 text-sm text-sky-900">
          {t("report.oddDay", { date: day.date, hours: day.hours })}
        </p>
      ))}
      {report.retention.startsBeforeRetention && (
        <p role="note" className="rounded-md bg-amber-50 p-2 text-sm text-amber-900">
          {t("report.beforeRetention", {
            days: report.retention.days,
            date: format.dateTime(report.retention.oldestKept),
          })}
        </p>
      )}
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
        {totals.map((total) => (
          <div key={total.label} className="rounded-lg border border-slate-200 bg-white p-3">
            <dt className="text-xs text-slate-600">{total.label}</dt>
            <dd className="text-lg font-semibold tabular-nums">{total.value}</dd>
          </div>
        ))}
      </dl>
      {report.agents.length === 0 ? (
        <p className="text-sm text-slate-600">{t("report.empty")}</p>
      ) : (
        <>
          <ReportCharts agents={report.agents} />
          <AgentTable report={report} />
          <DailyTotals report={report} query={query} />
        </>
      )}
    </div>
  );
}

function AgentTable({ report }: { report: AgentTimeResponse }) {
  const t = useT();
  const format = useFormat();
  const duration = (seconds: number) => format.duration(seconds * 1000);
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-sm">
        <caption className="sr-only">{t("report.caption")}</caption>
        <thead className="bg-slate-50 text-xs text-slate-700">
          <tr>
            {tableColumns.map((key) => (
              <th key={key} scope="col" className="px-2 py-2 text-start font-semibold">
                {t(key)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {report.agents.map((agent) => (
            <tr key={agent.agentId} className="border-t border-slate-100 align-top">
              <th scope="row" className="px-2 py-1 text-start font-medium">
                <bdi>{agent.name}</bdi>{" "}
                <bdi dir="ltr" className="font-mono text-xs text-slate-500">
                  {agent.agentId}
                </bdi>
              </th>
              <td className="px-2 py-1 tabular-nums">{duration(agent.loggedInSeconds)}</td>
              <td className="px-2 py-1 tabular-nums">{duration(agent.onlineSeconds)}</td>
              <td className="px-2 py-1 tabular-nums">{duration(agent.pausedSeconds)}</td>
              <td className="px-2 py-1 tabular-nums">{duration(agent.missionSeconds)}</td>
              <td className="px-2 py-1 tabular-nums">{duration(agent.unconfirmedSeconds)}</td>
              <td className="px-2 py-1">
                <ul>
                  {agent.pauses.map((pause) => (
                    <li key={pause.reason ?? ""}>
                      {pause.reason === null ? t("report.noReason") : <PauseReason reason={pause.reason} />}
                      {": "}
                      {t("report.pauseLine", {
                        count: pause.count,
                        total: duration(pause.seconds),
                        longest: duration(pause.longestSeconds),
                      })}
                    </li>
                  ))}
                </ul>
              </td>
              <td className="px-2 py-1 tabular-nums">
                {agent.firstLoginAt ? format.dateTime(agent.firstLoginAt) : "—"}
              </td>
              <td className="px-2 py-1 tabular-nums">
                {agent.lastLogoffAt ? format.dateTime(agent.lastLogoffAt) : "—"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
