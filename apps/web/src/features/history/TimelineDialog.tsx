// An agent's day as a timeline, opened from its row on the board: a bar of its states since midnight, and
// every interval with its reason, extension, what caused it, and the marks of what the console is unsure of
// (unconfirmed, or a boundary it learned late).
import type { Agent, HistoryCause, HistoryInterval } from "@crystal-console/api";
import { useState } from "react";
import { T, useFormat, useT, type MessageKey } from "../../i18n/i18n.tsx";
import { Dialog, ErrorNotice, Spinner } from "../../lib/ui.tsx";
import { PauseReason, stateLabels, stateStyles } from "../agents/state.tsx";
import { LateMark } from "./LateMark.tsx";
import { useAgentHistory } from "./queries.ts";

const causeLabels: Record<HistoryCause, MessageKey> = {
  person: "history.cause.person",
  agent: "history.cause.agent",
  import: "history.cause.import",
  settle: "history.cause.settle",
  correction: "history.cause.correction",
};

export function TimelineDialog({ agent, onClose }: { agent: Agent | null; onClose: () => void }) {
  return (
    <Dialog
      open={agent !== null}
      onClose={onClose}
      wide
      title={agent ? <T k="history.title" values={{ name: <bdi>{agent.name}</bdi> }} /> : ""}
    >
      {agent && <Timeline agentId={agent.id} />}
    </Dialog>
  );
}

/** Since this browser's midnight, until the moment the dialog opened. */
function today(): { from: string; to: string } {
  const now = new Date();
  const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  return { from: midnight.toISOString(), to: now.toISOString() };
}

function Timeline({ agentId }: { agentId: string }) {
  const t = useT();
  const [range] = useState(today);
  const history = useAgentHistory(agentId, range.from, range.to);
  if (history.isPending) return <Spinner label={t("history.loading")} />;
  if (history.isError) return <ErrorNotice error={history.error} title={t("history.loadFailed")} />;
  if (history.data.length === 0) return <p className="text-sm text-slate-600">{t("history.empty")}</p>;
  return (
    <div className="space-y-4">
      <Bar intervals={history.data} from={Date.parse(range.from)} to={Date.parse(range.to)} />
      <IntervalList intervals={history.data} to={Date.parse(range.to)} />
    </div>
  );
}

const clip = (interval: HistoryInterval, from: number, to: number) => ({
  start: Math.max(from, Date.parse(interval.from)),
  end: Math.min(to, interval.to === null ? to : Date.parse(interval.to)),
});

function Bar({ intervals, from, to }: { intervals: HistoryInterval[]; from: number; to: number }) {
  const t = useT();
  const format = useFormat();
  const span = Math.max(1, to - from);
  return (
    <div>
      <div
        role="img"
        aria-label={t("history.barLabel")}
        className="flex h-6 w-full overflow-hidden rounded bg-slate-100"
      >
        {intervals.map((interval) => {
          const { start, end } = clip(interval, from, to);
          if (end <= start) return null;
          return (
            <div
              key={interval.from}
              className={`h-full ${stateStyles[interval.status].dot} ${interval.confirmed ? "" : "opacity-50"}`}
              style={{ width: `${((end - start) / span) * 100}%` }}
              title={`${t(stateLabels[interval.status])} ${format.clock(new Date(start).toISOString())}`}
            />
          );
        })}
      </div>
      <div className="mt-1 flex justify-between text-xs text-slate-600 tabular-nums">
        <span>{format.clock(new Date(from).toISOString())}</span>
        <span>{format.clock(new Date(to).toISOString())}</span>
      </div>
    </div>
  );
}

function IntervalList({ intervals, to }: { intervals: HistoryInterval[]; to: number }) {
  const t = useT();
  const format = useFormat();
  return (
    <table className="w-full text-sm">
      <caption className="sr-only">{t("history.caption")}</caption>
      <thead className="text-start text-xs text-slate-600">
        <tr>
          <th className="text-start font-semibold">{t("history.from")}</th>
          <th className="text-start font-semibold">{t("history.to")}</th>
          <th className="text-start font-semibold">{t("history.state")}</th>
          <th className="text-start font-semibold">{t("history.duration")}</th>
          <th className="text-start font-semibold">{t("history.by")}</th>
        </tr>
      </thead>
      <tbody>
        {[...intervals].reverse().map((interval) => {
          const end = interval.to === null ? to : Date.parse(interval.to);
          return (
            <tr key={interval.from} className="border-t border-slate-100 align-top">
              <td className="py-1 tabular-nums">
                {format.clock(interval.from)}
                {interval.fromLate && <LateMark />}
              </td>
              <td className="py-1 tabular-nums">
                {interval.to === null ? t("history.now") : format.clock(interval.to)}
                {interval.toLate && <LateMark />}
              </td>
              <td className="py-1">
                <span className="inline-flex items-center gap-1">
                  <span aria-hidden className={`size-2 rounded-full ${stateStyles[interval.status].dot}`} />
                  {t(stateLabels[interval.status])}
                </span>
                {interval.reason && (
                  <span className="ms-1 text-slate-600">
                    <PauseReason reason={interval.reason} />
                  </span>
                )}
                {interval.extension && (
                  <span className="ms-1 text-xs text-slate-600">
                    <T
                      k="history.atExtension"
                      values={{ extension: <bdi dir="ltr">{interval.extension}</bdi> }}
                    />
                  </span>
                )}
                {!interval.confirmed && (
                  <span className="ms-1 text-xs font-medium text-amber-800">{t("state.unconfirmed")}</span>
                )}
              </td>
              <td className="py-1 tabular-nums">{format.duration(end - Date.parse(interval.from))}</td>
              <td className="py-1 text-xs text-slate-700">
                {t(causeLabels[interval.by.cause])}
                {interval.by.actor && (
                  <bdi className="ms-1 text-slate-500" dir="ltr">
                    {interval.by.actor}
                  </bdi>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
