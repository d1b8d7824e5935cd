// Well formed, as crystal-api.md Part 2 says. Kept here (not imported from packages/crystal) so the
// simulator stays an independent reading of the spec.

const ID_PATTERN = /^[0-9]{1,10}$/;
const PASSWORD_PATTERN = /^\S{1,32}$/u;
const NAME_MAX = 64;

/** agent_id, queue_id, agent_out_q, agid, agext: 1 to 10 digits. */
export function isWellFormedId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/** agent_pass: 1 to 32 characters (code points), no whitespace. */
export function isWellFormedPassword(value: string): boolean {
  return PASSWORD_PATTERN.test(value);
}

/** agent_name, queue_name: 1 to 64 characters (code points) after trimming, any Unicode. */
export function isWellFormedName(value: string): boolean {
  const length = [...value.trim()].length;
  return length >= 1 && length <= NAME_MAX;
}

/** Numeric-aware order for ids, so "9" sorts before "10". */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
