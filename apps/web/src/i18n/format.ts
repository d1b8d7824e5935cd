// How numbers, times and durations read, from Intl, in the person's locale and the call centre's time zone.
// Pure functions of (value, locale, time zone): the app passes the active language (useFormat in i18n.tsx);
// the time zone defaults to the browser's until the server says which one the call centre keeps.

/** A time zone name (IANA), or undefined for the browser's own. */
export type TimeZone = string | undefined;

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat>();
function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat>(
  key: string,
  make: () => T,
): T {
  let format = cache.get(key);
  if (!format) {
    format = make();
    cache.set(key, format);
  }
  return format as T;
}

function toDate(iso: string): Date | null {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "14:05" (or "2:05 PM"), the local clock time of a moment; "14:05:09" with `seconds`. */
export function formatClock(iso: string, locale: string, timeZone?: TimeZone, seconds = false): string {
  const date = toDate(iso);
  if (!date) return "";
  const format = cached(
    `clock|${locale}|${timeZone}|${seconds}`,
    () =>
      new Intl.DateTimeFormat(locale, {
        hour: "2-digit",
        minute: "2-digit",
        ...(seconds ? { second: "2-digit" } : {}),
        timeZone,
      }),
  );
  return format.format(date);
}

/** Date and time to the second, e.g. "1 Dec 2026, 14:05:09". */
export function formatDateTime(iso: string, locale: string, timeZone?: TimeZone): string {
  const date = toDate(iso);
  if (!date) return iso;
  const format = cached(
    `datetime|${locale}|${timeZone}`,
    () =>
      new Intl.DateTimeFormat(locale, {
        year: "numeric",
        month: "short",
        day: "numeric",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
        timeZone,
      }),
  );
  return format.format(date);
}

export function formatNumber(value: number, locale: string): string {
  return cached(`number|${locale}`, () => new Intl.NumberFormat(locale)).format(value);
}

/** A whole percentage, 0 to 100: "42%", "42%" (Hebrew), with each language's own spacing and sign. */
export function formatPercent(value: number, locale: string): string {
  return cached(`percent|${locale}`, () => new Intl.NumberFormat(locale, { style: "percent" })).format(
    value / 100,
  );
}

/** A size in bytes as people read it: "512 bytes", "1.5 kB", "2.3 MB". */
export function formatBytes(bytes: number, locale: string): string {
  const [unit, value] =
    bytes < 1024
      ? ["byte", bytes]
      : bytes < 1024 * 1024
        ? ["kilobyte", bytes / 1024]
        : ["megabyte", bytes / 1024 / 1024];
  return cached(
    `bytes|${locale}|${unit}`,
    () =>
      new Intl.NumberFormat(locale, {
        style: "unit",
        unit,
        unitDisplay: unit === "byte" ? "long" : "short",
        maximumFractionDigits: 1,
      }),
  ).format(value);
}

/** The parts of a duration that matter: hours and minutes past an hour, else minutes and seconds. */
export function durationParts(ms: number): { hours?: number; minutes?: number; seconds?: number } {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours > 0) return { hours, minutes };
  if (minutes > 0) return { minutes, seconds };
  return { seconds };
}

/**
 * A time in state: narrow for a pill ("4m 5s", "1h 20m"; "4 דק׳ 5 שנ׳"), or long, in words with each
 * language's plural forms ("3 minutes, 5 seconds"; "שתי דקות, 5 שניות"). Intl.DurationFormat where the
 * browser has it; otherwise each unit through NumberFormat's unit style.
 */
export function formatDuration(ms: number, locale: string, style: "narrow" | "long" = "narrow"): string {
  const parts = durationParts(ms);
  // DurationFormat leaves out units that are zero, so no time at all would read as nothing: show its seconds.
  const zero = parts.seconds === 0 && parts.minutes === undefined;
  if (typeof Intl.DurationFormat === "function")
    return new Intl.DurationFormat(locale, { style, ...(zero ? { secondsDisplay: "always" } : {}) }).format(
      parts,
    );
  return Object.entries(parts)
    .map(([unit, value]) =>
      new Intl.NumberFormat(locale, { style: "unit", unit: unit.slice(0, -1), unitDisplay: style }).format(
        value,
      ),
    )
    .join(" ");
}

const relativeUnits: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
  ["second", 1000],
];

/** How long ago (or from now) a moment is, in words: "3 minutes ago", "לפני 3 דקות", "now". */
export function formatRelative(iso: string, now: number, locale: string): string {
  const date = toDate(iso);
  if (!date) return "";
  const diff = date.getTime() - now;
  const [unit, size] = relativeUnits.find(([, size]) => Math.abs(diff) >= size) ?? ["second", 1000];
  const format = cached(`relative|${locale}`, () => new Intl.RelativeTimeFormat(locale, { numeric: "auto" }));
  return format.format(Math.round(diff / size), unit);
}
