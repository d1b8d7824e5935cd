// What the PBX calls well formed (crystal-api.md Part 2, "Well formed"). No imports: the browser's
// validation (packages/api) uses the same rules, so a value the console accepts is one the PBX accepts.

/** agent_id, queue_id, agent_out_q, agid, agext: 1 to 10 digits. */
export const ID_PATTERN = /^[0-9]{1,10}$/;

/** agent_name, queue_name: 1 to 64 characters after trimming (counted as Unicode code points). */
export const NAME_MAX = 64;

/** agent_pass: 1 to 32 characters, no whitespace. */
export const PASSWORD_MAX = 32;
export const PASSWORD_PATTERN = /^\S{1,32}$/u;

export function isPbxId(value: string): boolean {
  return ID_PATTERN.test(value);
}

export function normalizeName(value: string): string {
  return value.trim();
}

export function isPbxName(value: string): boolean {
  const length = [...normalizeName(value)].length;
  return length >= 1 && length <= NAME_MAX;
}

export function isPbxPassword(value: string): boolean {
  return [...value].length <= PASSWORD_MAX && PASSWORD_PATTERN.test(value);
}
