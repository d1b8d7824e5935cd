// The arithmetic of a day's timeline: each interval cut to the day (the open one ends now), and the time
// axis fitted to the part of the day when agents were logged in, in round steps counted from the day's
// midnight in the call centre's time zone (so ticks read 08:00, 08:30... there, and a daylight-saving day
// keeps its real hours).
import type { HistoryInterval, TimelineAgent } from "@crystal-console/api";

export type Segment = HistoryInterval & { start: number; end: number };

export type Scale = { start: number; end: number; step: number; ticks: number[] };

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const STEPS = [
  SECOND,
  5 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
].concat([HOUR, 2 * HOUR, 3 * HOUR]);
const MAX_STEPS = 8;

export type Day = { from: number; to: number; now: number };

/** The agent's intervals cut to the day, oldest first, without the empty ones. */
export function segmentsOf(intervals: HistoryInterval[], day: Day): Segment[] {
  const dayEnd = Math.min(day.to, day.now);
  return intervals
    .map((interval) => ({
      ...interval,
      start: Math.max(day.from, Date.parse(interval.from)),
      end: Math.min(dayEnd, interval.to === null ? dayEnd : Date.parse(interval.to)),
    }))
    .filter((segment) => segment.end > segment.start);
}

/** The axis: from the first login to the last logoff (or now) of any agent, widened to whole steps. */
export function fitScale(agents: TimelineAgent[], day: Day): Scale {
  const busy = agents
    .flatMap((agent) => segmentsOf(agent.intervals, day))
    .filter((segment) => segment.status !== "logged_off");
  const low = busy.length ? Math.min(...busy.map((s) => s.start)) : day.from;
  const high = busy.length ? Math.max(...busy.map((s) => s.end)) : day.to;
  const span = Math.max(high - low, SECOND);
  const step = STEPS.find((each) => span / each <= MAX_STEPS) ?? 3 * HOUR;
  const start = day.from + Math.floor((low - day.from) / step) * step;
  const end = Math.min(day.to, Math.max(start + step, day.from + Math.ceil((high - day.from) / step) * step));
  const ticks: number[] = [];
  for (let tick = start; tick <= end; tick += step) ticks.push(tick);
  return { start, end, step, ticks };
}

/** Where a stretch of time sits on the axis, in percent of its width from the start side. */
export function placeOn(scale: Scale, start: number, end: number): { offset: number; width: number } {
  const span = scale.end - scale.start;
  const from = Math.max(scale.start, start);
  const to = Math.min(scale.end, end);
  return { offset: ((from - scale.start) / span) * 100, width: (Math.max(0, to - from) / span) * 100 };
}

/** Ticks closer than a minute apart are labelled to the second. */
export const needsSeconds = (scale: Scale) => scale.step < MINUTE;
