// The optional state file: read once at start, rewritten after every state change so a demo survives a
// restart. Writes go to a temporary file that is then renamed over the old one, so a crash mid-write
// never leaves half a file behind.

import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
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

/**
 * Writes the state; it holds agent passwords in clear text (as a PBX does), so the file is readable by its
 * owner only (0600), and a directory it creates is too (0700).
 */
export function writeStateFile(file: string, state: SimState): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  rmSync(temporary, { force: true });
  writeFileSync(temporary, JSON.stringify(state, null, 2) + "\n", { encoding: "utf8", mode: 0o600 });
  renameSync(temporary, file);
}
