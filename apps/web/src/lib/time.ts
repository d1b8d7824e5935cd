// Times the person types: a datetime-local input's value (local time, no zone) as an ISO instant.
// (How times read is in i18n/format.ts.)

/** A datetime-local input's value as an ISO instant, or undefined when empty. */
export function localInputToIso(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
