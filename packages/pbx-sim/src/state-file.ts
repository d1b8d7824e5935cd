// The optional state file: read once at start, rewritten after every state change so a demo survives a
// restart. Writes go to a temporary file that is then renamed over the old one, so a crash mid-write
// never leaves half a file behind.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

import { SimInputError } from "./errors.ts";
import type { SimState } from "./types.ts";

/** The parsed JSON of the state file, or undefined when there is no file yet. */
export function readStateFile(file: string): unknown {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, "utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new SimInputError(`State file ${file} is not valid JSON: ${(error as Error).message}`);
  }
}

export function writeStateFile(file: string, state: SimState): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(state, null, 2) + "\n", "utf8");
  renameSync(temporary, file);
}
