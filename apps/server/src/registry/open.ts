// Opens the registry on either dialect, migrated to the latest schema (docs/decisions/016-registry-postgres.md):
//   - SQLite (the default, one file in DATA_DIR): Kysely's SqliteDialect over better-sqlite3, WAL, each SQL
//     text prepared once (the registry's queries are a small fixed set), WAL checkpoints in a worker thread.
//   - PostgreSQL (DATABASE_URL=postgres://...): Kysely's PostgresDialect over a node-postgres pool, the write
//     path's fixed texts run as prepared statements (registry/pg-statements.ts).
// What differs between the two is handled here and nowhere else: PostgreSQL's int8 comes back as a JS number
// (ids and millisecond times stay far below 2^53), booleans are 0/1 integers and times ISO text on both.
import SQLite from "better-sqlite3";
import {
  type DialectAdapter,
  Kysely,
  type MigrationLockOptions,
  PostgresAdapter,
  PostgresDialect,
  SqliteAdapter,
  SqliteDialect,
  sql,
} from "kysely";
import pg from "pg";
import { makePrivateDatabase } from "../private-files.ts";
import { FALLBACK_AUTOCHECKPOINT_PAGES, startCheckpointer } from "./checkpoint.ts";
import { migrate } from "./migrations.ts";
import { PreparingClient } from "./pg-statements.ts";
import type { Database } from "./schema.ts";

export type Registry = Kysely<Database>;

export type RegistryTarget = { dialect: "sqlite"; file: string } | { dialect: "postgres"; url: string };

/** node-postgres connections per console process; no connection is ever held across a PBX call. */
export const POSTGRES_POOL_SIZE = 10;

/** PostgreSQL's type id of int8 (bigint). */
const INT8_OID = 20;

export async function openRegistry(target: RegistryTarget | string): Promise<Registry> {
  const where: RegistryTarget = typeof target === "string" ? { dialect: "sqlite", file: target } : target;
  const db = where.dialect === "sqlite" ? openSqlite(where.file) : openPostgres(where.url);
  try {
    await migrate(db as Kysely<unknown>);
    if (where.dialect === "sqlite") await analyze(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}

/**
 * Refreshes the query planner's statistics: SQLite keeps none until asked (with several indexes on one
 * table, e.g. the audit filters, it may otherwise pick one that matches most rows); PostgreSQL's autovacuum
 * does it on its own, this only does it now.
 */
export async function analyze(db: Registry): Promise<void> {
  await sql`${sql.raw(isPostgres(db) ? "analyze" : "pragma optimize = 0x10002")}`.execute(db);
}

/** Runs `work` in one transaction (for changes that are not PBX writes: console users). */
export function transact<T>(db: Registry, work: (tx: Registry) => Promise<T>): Promise<T> {
  return db.transaction().execute(work);
}

/** Whether `db` (the registry or a transaction on it) is PostgreSQL. */
export function isPostgres(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** The node-postgres pool under each PostgreSQL registry (for a library that takes a pool: registry/limits.ts). */
const pools = new WeakMap<Registry, pg.Pool>();

export function poolOf(db: Registry): pg.Pool | undefined {
  return pools.get(db);
}

function openPostgres(url: string): Registry {
  const pool = new pg.Pool({
    connectionString: url,
    max: POSTGRES_POOL_SIZE,
    // The write path's fixed texts as prepared statements (decision 037).
    Client: PreparingClient,
    // int8 (bigserial ids, millisecond times) as a number rather than a string.
    types: { getTypeParser: parserOf as typeof pg.types.getTypeParser },
  });
  // An idle connection that the server drops must not take the console down; the pool replaces it.
  pool.on("error", () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return db;
}

function parserOf(oid: number, format?: "text" | "binary"): (value: string) => unknown {
  if (oid === INT8_OID) return Number;
  return pg.types.getTypeParser(oid, format) as (value: string) => unknown;
}

function openSqlite(file: string): Registry {
  // The file and its -wal/-shm are created 0600 (docs/security.md).
  if (file !== ":memory:") makePrivateDatabase(file);
  const sqlite = new SQLite(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const checkpointer = file === ":memory:" ? null : startCheckpointer(file);
  if (checkpointer) sqlite.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
  const database = withStatementCache(sqlite, () => checkpointer?.stop());
  return new Kysely<Database>({ dialect: new MigratingSqliteDialect({ database }) });
}

/**
 * Kysely's SQLite adapter assumes one process per file: its migration lock does nothing and its migrations
 * run outside a transaction, so two consoles starting at once on one file would both run them. Here the
 * migrations run in one transaction (SQLite's DDL is transactional) under a lock row taken by a
 * conditional update (the time it was taken: a lock older than a minute was left by a crash).
 */
class MigratingSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }

  override async acquireMigrationLock(db: Kysely<unknown>, options: MigrationLockOptions): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const now = Date.now();
      const taken = await sql`update ${sql.table(options.lockTable)} set "is_locked" = ${now}
        where "id" = ${options.lockRowId} and ("is_locked" = 0 or "is_locked" < ${now - 60_000})`
        .execute(db)
        // SQLITE_BUSY: the other console's migration holds the write lock; ask again.
        .catch(() => null);
      if (Number(taken?.numAffectedRows ?? 0n) === 1) return;
      if (Date.now() > deadline)
        throw new Error("another console has been migrating the registry for a minute");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  override async releaseMigrationLock(db: Kysely<unknown>, options: MigrationLockOptions): Promise<void> {
    await sql`update ${sql.table(options.lockTable)} set "is_locked" = 0 where "id" = ${options.lockRowId}`.execute(
      db,
    );
  }
}

class MigratingSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new MigratingSqliteAdapter();
  }
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite driver prepares every query afresh; preparing costs as much as running most of ours. The
 * registry's queries are a small fixed set of SQL texts (values are bound parameters), so each is prepared
 * once and reused. Reuse is safe because the driver only calls all() and run(), which finish before they
 * return (a statement is "busy" only while iterate() is being consumed, which nothing here uses). Bounded,
 * oldest out first, for queries whose text varies (e.g. `in (?, ?, ...)` lists).
 */
function withStatementCache(sqlite: SQLite.Database, onClose: () => void) {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => {
      onClose();
      sqlite.close();
    },
    prepare(sql: string): SQLite.Statement {
      let statement = statements.get(sql);
      if (!statement) {
        statement = sqlite.prepare(sql);
        const oldest = statements.keys().next();
        if (statements.size >= STATEMENT_CACHE_SIZE && !oldest.done) statements.delete(oldest.value);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
