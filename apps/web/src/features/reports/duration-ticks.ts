// The ticks of a chart's axis of durations: whole, round steps (seconds, minutes or hours) from zero up past the
// largest value, so that no two ticks read the same once formatted (the formatter drops what is below a second,
// and seconds once there are hours).
const SECOND = 1;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const STEPS = [1, 5, 15, 30].concat(
  [1, 5, 15, 30].map((n) => n * MINUTE),
  [1, 2, 3, 6, 12, 24, 48, 120, 240, 480, 1200].map((n) => n * HOUR),
);
const MAX_STEPS = 6;

/** Ticks in seconds for values up to `largest` seconds: 0, then one round step apart, at most about six. */
export function durationTicks(largest: number): number[] {
  const span = Math.max(largest, SECOND);
  const step =
    STEPS.find((each) => span / each <= MAX_STEPS) ??
    Math.ceil(span / MAX_STEPS / (1200 * HOUR)) * 1200 * HOUR;
  const ticks: number[] = [];
  for (let tick = 0; tick < span + step; tick += step) ticks.push(tick);
  return ticks;
}
