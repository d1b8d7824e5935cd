// The console's files hold what must stay on the server: password and session hashes and the audit log in
// the registry, and in embedded mode the simulator's state with every agent password in clear (as a PBX
// keeps them). Only the user the console runs as may read them: directories 0700, files 0600.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Creates `dir` (and any missing parent) 0700. An existing directory keeps its mode (it may be shared on
 * purpose, e.g. /var/lib); the answer says whether others can enter it, so the caller can warn.
 */
export function makePrivateDir(dir: string): { openToOthers: boolean } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return { openToOthers: (statSync(dir).mode & 0o077) !== 0 };
}

/**
 * Before SQLite opens `file`: its directory as makePrivateDir, the database created 0600 (SQLite gives its
 * -wal and -shm files the database's mode), and files an older version left readable by others set to 0600.
 */
export function makePrivateDatabase(file: string): void {
  makePrivateDir(dirname(file));
  closeSync(openSync(file, "a", 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(path)) chmodSync(path, 0o600);
}
