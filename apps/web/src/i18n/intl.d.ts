// Intl.DurationFormat (ES2025) is in every browser the console supports, but not yet in TypeScript's lib.
declare namespace Intl {
  type DurationFormatOptions = { style?: "long" | "short" | "narrow" | "digital" };
  type DurationInput = { hours?: number; minutes?: number; seconds?: number };
  class DurationFormat {
    constructor(locale?: string, options?: DurationFormatOptions);
    format(duration: DurationInput): string;
  }
}
