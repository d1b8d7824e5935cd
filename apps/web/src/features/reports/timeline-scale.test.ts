import type { HistoryInterval, TimelineAgent } from "@crystal-console/api";
import { describe, expect, it } from "vitest";
import { fitScale, needsSeconds, placeOn, segmentsOf } from "./timeline-scale.ts";

const DAY = { from: Date.parse("2026-07-01T00:00:00Z"), to: Date.parse("2026-07-02T00:00:00Z") };
const at = (time: string) => `2026-07-01T${time}Z`;

function interval(status: HistoryInterval["status"], from: string, to: string | null): HistoryInterval {
  return {
    status,
    extension: null,
    reason: null,
    from,
    to,
    confirmed: true,
    fromLate: false,
    toLate: false,
    by: { cause: "person", actor: null },
  };
}

const agent = (intervals: HistoryInterval[]): TimelineAgent => ({ agentId: "1", name: "A", intervals });

describe("a day's timeline scale", () => {
  it("cuts intervals to the day and ends the open one now", () => {
    const now = Date.parse(at("13:00:00"));
    const segments = segmentsOf(
      [
        interval("logged_off", "2026-06-30T20:00:00Z", at("08:00:00")),
        interval("online", at("08:00:00"), null),
      ],
      { ...DAY, now },
    );
    expect(segments.map((s) => [s.status, s.start, s.end])).toEqual([
      ["logged_off", DAY.from, Date.parse(at("08:00:00"))],
      ["online", Date.parse(at("08:00:00")), now],
    ]);
  });

  it("fits the axis to the logged-in part of the day in round steps from midnight", () => {
    const day = { ...DAY, now: Date.parse("2026-07-03T00:00:00Z") };
    const scale = fitScale(
      [
        agent([
          interval("logged_off", "2026-06-30T20:00:00Z", at("08:10:00")),
          interval("online", at("08:10:00"), at("11:50:00")),
        ]),
        agent([interval("mission", at("10:00:00"), at("12:20:00"))]),
      ],
      day,
    );
    // 08:10 to 12:20 is 4 h 10 min: half-hour steps would be 9, so hour steps, from 08:00 to 13:00.
    expect(scale.step).toBe(3_600_000);
    expect(scale.ticks.map((tick) => new Date(tick).toISOString().slice(11, 16))).toEqual([
      "08:00",
      "09:00",
      "10:00",
      "11:00",
      "12:00",
      "13:00",
    ]);
    expect(placeOn(scale, Date.parse(at("10:00:00")), Date.parse(at("12:30:00")))).toEqual({
      offset: 40,
      width: 50,
    });
    expect(needsSeconds(scale)).toBe(false);
  });

  it("labels to the second a day of a few seconds, and counts ticks from the zone's midnight", () => {
    // Midnight in Kolkata (UTC+5:30) is 18:30 UTC: hour ticks fall on the half hour in UTC.
    const kolkata = {
      from: Date.parse("2026-06-30T18:30:00Z"),
      to: Date.parse("2026-07-01T18:30:00Z"),
      now: Infinity,
    };
    const hours = fitScale([agent([interval("online", at("08:10:00"), at("12:20:00"))])], kolkata);
    expect(new Date(hours.start).toISOString()).toBe(at("07:30:00.000"));
    const seconds = fitScale([agent([interval("paused", at("08:00:01"), at("08:00:05"))])], kolkata);
    expect(seconds.step).toBe(1000);
    expect(needsSeconds(seconds)).toBe(true);
    expect([seconds.start, seconds.end]).toEqual([Date.parse(at("08:00:01")), Date.parse(at("08:00:05"))]);
  });
});
