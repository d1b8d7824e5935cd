// A day's timeline on the reports page: each agent's states over one day of the range as a horizontal bar
// (online, paused with its reason, mission, logged off; unconfirmed stretches striped), on a time axis in the
// call centre's time zone that runs from the start side (right to left in Hebrew). A table of the same
// intervals is one button away, for screen readers and keyboards. At most TIMELINE_MAX_AGENTS agents, with a
// note when there were more.
import type { TimelineResponse } from "@crystal-console/api";
import { useId, useState } from "react";
import { T, useFormat, useT } from "../../i18n/i18n.tsx";
import { ErrorNotice, Field, Spinner, buttonClass, inputClass } from "../../lib/ui.tsx";
import { PauseReason, pauseReasonText, stateLabels, stateStyles } from "../agents/state.tsx";
import { LateMark } from "../history/LateMark.tsx";
import { useDayTimeline } from "./queries.ts";
import {
  type Day,
  type Scale,
  type Segment,
  fitScale,
  needsSeconds,
  placeOn,
  segmentsOf,
} from "./timeline-scale.ts";

/** The stripes of a stretch the PBX had not confirmed. */
const unconfirmedStripes = {
  backgroundImage: "repeating-linear-gradient(45deg, rgb(255 255 255 / 0.65) 0 3px, transparent 3px 7px)",
};

export function DayTimeline({ days, queueId }: { days: string[]; queueId?: string | undefined }) {
  const t = useT();
  const headingId = useId();
  const [date, setDate] = useState(days[0] ?? "");
  const [asTable, setAsTable] = useState(false);
  const timeline = useDayTimeline({ date, ...(queueId ? { queueId } : {}) });
  return (
    <section
      aria-labelledby={headingId}
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-3"
    >
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id={headingId} className="text-sm font-semibold">
          {t("reports.timeline.title")}
        </h2>
        <div className="flex flex-wrap items-end gap-3">
          {days.length > 1 && (
            <Field label={t("reports.timeline.day")}>
              {(props) => (
                <select
                  {...props}
                  value={date}
                  onChange={(event) => setDate(event.target.value)}
                  className={inputClass}
                >
                  {days.map((day) => (
                    <option key={day} value={day}>
                      {day}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          <button
            type="button"
            aria-pressed={asTable}
            onClick={() => setAsTable((now) => !now)}
            className={buttonClass("secondary")}
          >
            {t("reports.timeline.tableView")}
          </button>
        </div>
      </div>
      {timeline.isPending ? (
        <Spinner label={t("reports.timeline.loading")} />
      ) : timeline.isError ? (
        <ErrorNotice error={timeline.error} title={t("reports.timeline.loadFailed")} />
      ) : (
        <Timeline timeline={timeline.data} asTable={asTable} />
      )}
    </section>
  );
}

function Timeline({ timeline, asTable }: { timeline: TimelineResponse; asTable: boolean }) {
  const t = useT();
  const [now] = useState(() => Date.now());
  if (timeline.agents.length === 0)
    return <p className="text-sm text-slate-600">{t("reports.timeline.empty", { date: timeline.date })}</p>;
  const day: Day = { from: Date.parse(timeline.from), to: Date.parse(timeline.to), now };
  const scale = fitScale(timeline.agents, day);
  const rows = timeline.agents.map((agent) => ({ ...agent, segments: segmentsOf(agent.intervals, day) }));
  return (
    <div className="space-y-2">
      {timeline.agentCount > timeline.agents.length && (
        <p role="note" className="rounded-md bg-amber-50 p-2 text-sm text-amber-900">
          {t("reports.timeline.capped", { shown: timeline.agents.length, count: timeline.agentCount })}
        </p>
      )}
      <p className="text-xs text-slate-600">
        <T k="reports.timeline.zone" values={{ zone: <bdi dir="ltr">{timeline.timeZone}</bdi> }} />
      </p>
      {asTable ? (
        <IntervalTable rows={rows} timeline={timeline} seconds={needsSeconds(scale)} />
      ) : (
        <Chart rows={rows} scale={scale} timeZone={timeline.timeZone} />
      )}
    </div>
  );
}

type Row = { agentId: string; name: string; segments: Segment[] };

function useSegmentText(timeZone: string, seconds: boolean) {
  const t = useT();
  const format = useFormat();
  const clock = (ms: number) => format.clockIn(new Date(ms).toISOString(), timeZone, seconds);
  return {
    clock,
    state: (segment: Segment) =>
      t(stateLabels[segment.status]) + (segment.reason ? ` (${pauseReasonText(t, segment.reason)})` : ""),
    range: (segment: Segment) =>
      t("reports.timeline.span", { from: clock(segment.start), to: clock(segment.end) }),
  };
}

function Chart({ rows, scale, timeZone }: { rows: Row[]; scale: Scale; timeZone: string }) {
  const t = useT();
  const text = useSegmentText(timeZone, needsSeconds(scale));
  return (
    <div>
      <Legend />
      <ul className="space-y-1">
        {rows.map((row) => (
          <li key={row.agentId} className="flex items-center gap-2">
            <span className="w-40 shrink-0 truncate text-sm">
              <bdi>{row.name}</bdi>
            </span>
            <div
              role="img"
              aria-label={t("reports.timeline.barLabel", { name: row.name })}
              data-agent-id={row.agentId}
              className="relative h-6 flex-1 overflow-hidden rounded bg-slate-50"
            >
              {scale.ticks.map((tick) => (
                <span
                  key={tick}
                  aria-hidden
                  className="absolute inset-y-0 w-px bg-slate-200"
                  style={{ insetInlineStart: `${placeOn(scale, tick, tick).offset}%` }}
                />
              ))}
              {row.segments.map((segment) => {
                const place = placeOn(scale, segment.start, segment.end);
                if (place.width <= 0) return null;
                const unconfirmed = segment.confirmed ? "" : ` ${t("state.unconfirmed")}`;
                return (
                  <span
                    key={segment.from}
                    data-status={segment.status}
                    title={`${text.state(segment)}, ${text.range(segment)}${unconfirmed}`}
                    className={`absolute inset-y-0.5 overflow-hidden rounded-sm px-1 text-[0.65rem] leading-5 whitespace-nowrap text-slate-950 ${stateStyles[segment.status].dot}`}
                    style={{
                      insetInlineStart: `${place.offset}%`,
                      width: `${place.width}%`,
                      ...(segment.confirmed ? {} : unconfirmedStripes),
                    }}
                  >
                    {segment.reason && <PauseReason reason={segment.reason} />}
                  </span>
                );
              })}
            </div>
          </li>
        ))}
      </ul>
      <div aria-hidden className="relative ms-42 mt-1 h-4 text-[0.65rem] text-slate-600 tabular-nums">
        {scale.ticks.map((tick) => (
          <span
            key={tick}
            className="absolute whitespace-nowrap"
            // The label of the axis's end sits before it, inside the chart.
            style={
              tick === scale.end
                ? { insetInlineEnd: 0 }
                : { insetInlineStart: `${placeOn(scale, tick, tick).offset}%` }
            }
          >
            {text.clock(tick)}
          </span>
        ))}
      </div>
    </div>
  );
}

function Legend() {
  const t = useT();
  const statuses = ["online", "paused", "mission", "logged_off"] as const;
  return (
    <ul
      aria-label={t("reports.timeline.legend")}
      className="mb-2 flex flex-wrap gap-3 text-xs text-slate-700"
    >
      {statuses.map((status) => (
        <li key={status} className="inline-flex items-center gap-1">
          <span aria-hidden className={`size-3 rounded-sm ${stateStyles[status].dot}`} />
          {t(stateLabels[status])}
        </li>
      ))}
      <li className="inline-flex items-center gap-1">
        <span aria-hidden className="size-3 rounded-sm bg-slate-500" style={unconfirmedStripes} />
        {t("state.unconfirmed")}
      </li>
    </ul>
  );
}

function IntervalTable({
  rows,
  timeline,
  seconds,
}: {
  rows: Row[];
  timeline: TimelineResponse;
  seconds: boolean;
}) {
  const t = useT();
  const format = useFormat();
  const text = useSegmentText(timeline.timeZone, seconds);
  return (
    <div className="max-h-96 overflow-auto">
      <table className="w-full text-sm">
        <caption className="sr-only">{t("reports.timeline.caption", { date: timeline.date })}</caption>
        <thead className="text-xs text-slate-600">
          <tr>
            <th scope="col" className="text-start font-semibold">
              {t("report.agent")}
            </th>
            <th scope="col" className="text-start font-semibold">
              {t("history.from")}
            </th>
            <th scope="col" className="text-start font-semibold">
              {t("history.to")}
            </th>
            <th scope="col" className="text-start font-semibold">
              {t("history.state")}
            </th>
            <th scope="col" className="text-start font-semibold">
              {t("history.duration")}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.flatMap((row) =>
            row.segments.map((segment) => (
              <tr key={`${row.agentId}-${segment.from}`} className="border-t border-slate-100">
                <th scope="row" className="py-1 text-start font-medium">
                  <bdi>{row.name}</bdi>
                </th>
                <td className="py-1 tabular-nums">
                  {text.clock(segment.start)}
                  {/* Marked only where the interval's own boundary is shown, not the day's edge that cuts it. */}
                  {segment.fromLate && segment.start === Date.parse(segment.from) && <LateMark />}
                </td>
                <td className="py-1 tabular-nums">
                  {segment.to === null && segment.end < Date.parse(timeline.to)
                    ? t("history.now")
                    : text.clock(segment.end)}
                  {segment.toLate && segment.to !== null && segment.end === Date.parse(segment.to) && (
                    <LateMark />
                  )}
                </td>
                <td className="py-1">
                  {text.state(segment)}
                  {!segment.confirmed && (
                    <span className="ms-1 text-xs font-medium text-amber-800">{t("state.unconfirmed")}</span>
                  )}
                </td>
                <td className="py-1 tabular-nums">{format.duration(segment.end - segment.start)}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </div>
  );
}
