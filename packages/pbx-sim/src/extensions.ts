// The fixed set of phone extensions the PBX knows: "100-699" (default) or "100-199,500-599,801".

export type ExtensionRange = { from: number; to: number };

export type ExtensionSet = { spec: string; ranges: ExtensionRange[]; has(extension: string): boolean };

export const DEFAULT_EXTENSIONS = "100-699";

const PART_PATTERN = /^([0-9]{1,10})(?:-([0-9]{1,10}))?$/;

/** Parses an extensions option; throws an Error with a clear message when it is malformed. */
export function parseExtensions(spec: string = DEFAULT_EXTENSIONS): ExtensionSet {
  const parts = spec.split(",").map((part) => part.trim());
  const ranges = parts.map((part) => parseRange(part, spec));
  return { spec, ranges, has: (extension) => containsExtension(ranges, extension) };
}

function parseRange(part: string, spec: string): ExtensionRange {
  const match = PART_PATTERN.exec(part);
  if (!match?.[1]) {
    throw new Error(
      `Invalid extensions "${spec}": expected ranges like "100-699" or "100-199,500-599" (1 to 10 digits each)`,
    );
  }
  const from = Number(match[1]);
  const to = match[2] === undefined ? from : Number(match[2]);
  if (to < from) throw new Error(`Invalid extensions "${spec}": range "${part}" ends before it starts`);
  return { from, to };
}

function containsExtension(ranges: ExtensionRange[], extension: string): boolean {
  if (!/^[0-9]{1,10}$/.test(extension)) return false;
  const number = Number(extension);
  // "0501" is not extension 501: only the canonical spelling exists.
  if (String(number) !== extension) return false;
  return ranges.some((range) => number >= range.from && number <= range.to);
}
