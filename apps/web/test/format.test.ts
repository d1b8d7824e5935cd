// The formatters and plural forms, in both languages: pure functions of (value, locale, time zone), so they
// run without a browser. Hebrew has its own forms for one and two (CLDR 48: one, two, other).
import { compileMessage } from "@lingui/message-utils/compileMessage";
import { setupI18n } from "@lingui/core";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  durationParts,
  formatBytes,
  formatClock,
  formatDateTime,
  formatDuration,
  formatNumber,
  formatPercent,
  formatRelative,
} from "../src/i18n/format.ts";
import { browserLanguage } from "../src/i18n/languages.ts";

const catalog = (language: string) =>
  JSON.parse(
    readFileSync(new URL(`../src/i18n/catalogs/${language}.json`, import.meta.url), "utf8"),
  ) as Record<string, string>;

function translator(language: string) {
  const i18n = setupI18n();
  i18n.load(
    language,
    Object.fromEntries(
      Object.entries(catalog(language)).map(([key, message]) => [key, compileMessage(message)]),
    ),
  );
  i18n.activate(language);
  return (key: string, values?: Record<string, unknown>) => i18n._(key, values);
}

const strip = (text: string) => text.replace(/[\u200e\u200f\u2066-\u2069]/g, "");
const MINUTE = 60_000;

describe("durations", () => {
  it("keep the two units that matter", () => {
    expect(durationParts(5_000)).toEqual({ seconds: 5 });
    expect(durationParts(3 * MINUTE + 5_000)).toEqual({ minutes: 3, seconds: 5 });
    expect(durationParts(80 * MINUTE + 59_000)).toEqual({ hours: 1, minutes: 20 });
    expect(durationParts(-1)).toEqual({ seconds: 0 });
  });

  it("read short in a pill", () => {
    expect(formatDuration(5_000, "en")).toBe("5s");
    expect(formatDuration(3 * MINUTE + 5_000, "en")).toBe("3m 5s");
    expect(formatDuration(80 * MINUTE, "en")).toBe("1h 20m");
    expect(strip(formatDuration(3 * MINUTE + 5_000, "he"))).toBe("3 דק׳ 5 שנ׳");
  });

  it("read as zero seconds when there was no time at all, not as nothing", () => {
    expect(formatDuration(0, "en")).toBe("0s");
    expect(formatDuration(999, "en")).toBe("0s");
    expect(formatDuration(0, "en", "long")).toBe("0 seconds");
    expect(strip(formatDuration(0, "he"))).toBe("0 שנ׳");
    expect(formatDuration(60 * MINUTE, "en")).toBe("1h");
  });

  it("read in words with each language's plural forms", () => {
    expect(formatDuration(MINUTE, "en", "long")).toBe("1 minute");
    expect(formatDuration(3 * MINUTE, "en", "long")).toBe("3 minutes");
    expect(formatDuration(MINUTE, "he", "long")).toBe("1 דקה");
    expect(formatDuration(2 * MINUTE, "he", "long")).toBe("שתי דקות");
    expect(formatDuration(3 * MINUTE, "he", "long")).toBe("3 דקות");
    expect(formatDuration(2 * 60 * MINUTE, "he", "long")).toBe("שעתיים");
  });
});

describe("catalog plurals", () => {
  const en = translator("en");
  const he = translator("he");

  it("choose English's one and other", () => {
    expect([1, 2, 5].map((count) => en("queues.agents", { count }))).toEqual([
      "1 agent",
      "2 agents",
      "5 agents",
    ]);
    expect(en("import.blocked", { count: 1 })).toMatch(/^1 row has errors\./);
  });

  it("choose Hebrew's one, two and other", () => {
    expect([1, 2, 3, 11, 20].map((count) => he("queues.agents", { count }))).toEqual([
      "נציג אחד",
      "שני נציגים",
      "3 נציגים",
      "11 נציגים",
      "20 נציגים",
    ]);
    expect(he("board.selected", { count: 2 })).toBe("שני נציגים נבחרו");
    expect(he("import.rowsOf", { count: 1, kind: "queues" })).toBe("שורה אחת של תורים:");
    expect(en("import.rowsOf", { count: 2, kind: "agents" })).toBe("2 rows of agents:");
  });

  it("format the numbers inside a plural in the language's way", () => {
    expect(en("queues.agents", { count: 2000 })).toBe("2,000 agents");
    expect(he("queues.agents", { count: 2000 })).toBe("2,000 נציגים");
  });
});

describe("dates, times and numbers", () => {
  const moment = "2026-12-01T12:05:09.000Z";

  it("show a moment in the call centre's time zone", () => {
    expect(formatClock(moment, "en-GB", "Asia/Jerusalem")).toBe("14:05");
    expect(formatClock(moment, "he", "Asia/Jerusalem")).toBe("14:05");
    expect(formatClock(moment, "en-US", "UTC")).toBe("12:05 PM");
    expect(formatClock(moment, "en-GB", "Asia/Jerusalem", true)).toBe("14:05:09");
    expect(formatDateTime(moment, "en-GB", "Asia/Jerusalem")).toBe("1 Dec 2026, 14:05:09");
    expect(strip(formatDateTime(moment, "he", "Asia/Jerusalem"))).toBe("1 בדצמ׳ 2026, 14:05:09");
  });

  it("leave what is not a moment as it is", () => {
    expect(formatClock("not a time", "en")).toBe("");
    expect(formatDateTime("not a time", "he")).toBe("not a time");
  });

  it("say how long ago, in words", () => {
    const now = Date.parse(moment);
    expect(formatRelative("2026-12-01T12:02:09.000Z", now, "en")).toBe("3 minutes ago");
    expect(formatRelative("2026-12-01T12:02:09.000Z", now, "he")).toBe("לפני 3 דקות");
    expect(formatRelative("2026-12-01T12:03:09.000Z", now, "he")).toBe("לפני 2 דקות");
    expect(formatRelative(moment, now, "en")).toBe("now");
  });

  it("write numbers, sizes and percentages", () => {
    expect(formatNumber(2000, "en")).toBe("2,000");
    expect(formatNumber(2000, "he")).toBe("2,000");
    expect(formatBytes(512, "en")).toBe("512 bytes");
    expect(formatBytes(1536, "en")).toBe("1.5 kB");
    expect(strip(formatBytes(1536, "he"))).toBe("1.5 kB");
    expect(formatPercent(42, "en")).toBe("42%");
    expect(strip(formatPercent(42, "he"))).toBe("42%");
  });
});

describe("the browser's language", () => {
  it("is the first of its preferences the console speaks, else English", () => {
    expect(browserLanguage(["he-IL", "en-US"])).toBe("he");
    expect(browserLanguage(["fr-FR", "he"])).toBe("he");
    expect(browserLanguage(["fr-FR", "de"])).toBe("en");
    expect(browserLanguage([])).toBe("en");
  });
});
