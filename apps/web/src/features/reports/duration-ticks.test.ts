import { describe, expect, it } from "vitest";
import { formatDuration } from "../../i18n/format.ts";
import { durationTicks } from "./duration-ticks.ts";

const HOUR = 3600;
const labels = (ticks: number[]) => ticks.map((seconds) => formatDuration(seconds * 1000, "en"));

describe("the ticks of a duration axis", () => {
  it("are whole round steps from zero to past the largest value", () => {
    expect(durationTicks(7)).toEqual([0, 5, 10]);
    expect(durationTicks(100)).toEqual([0, 30, 60, 90, 120]);
    expect(durationTicks(40 * 60)).toEqual([0, 900, 1800, 2700]);
    expect(durationTicks(5 * HOUR)).toEqual([0, HOUR, 2 * HOUR, 3 * HOUR, 4 * HOUR, 5 * HOUR]);
    expect(durationTicks(30 * HOUR)).toEqual([0, 6, 12, 18, 24, 30].map((n) => n * HOUR));
  });

  it("read as distinct labels, however small or large the values (the chart repeated them before)", () => {
    for (const largest of [0, 1, 3, 59, 61, 400, 3599, 3601, 7 * HOUR, 100 * HOUR, 20_000 * HOUR]) {
      const ticks = durationTicks(largest);
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect(ticks.length).toBeLessThanOrEqual(7);
      expect(ticks.at(-1)).toBeGreaterThanOrEqual(largest);
      expect(new Set(labels(ticks)).size).toBe(ticks.length);
    }
    expect(labels(durationTicks(3 * 60))).toEqual(["0s", "30s", "1m", "1m 30s", "2m", "2m 30s", "3m"]);
  });
});
