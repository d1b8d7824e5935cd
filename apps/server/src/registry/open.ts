// Opens the registry: SQLite (WAL) in DATA_DIR through Kysely over better-sqlite3, migrated to the latest
// schema, with each SQL text prepared once and WAL checkpoints in a worker thread (checkpoint.ts). The hot
// path (a state change) runs its few statements straight on the connection: see readNow and transactNow.
import SQLite from "better-sqlite3";
import { CompiledQuery, Kysely, SqliteDialect, type Transaction } from "kysely";
import { makePrivateDatabase } from "../private-files.ts";
import { FALLBACK_AUTOCHECKPOINT_PAGES, startCheckpointer } from "./checkpoint.ts";
import { migrate } from "./migrations.ts";
import type { Database } from "./schema.ts";

export type Registry = Kysely<Database>;

type Connection = ReturnType<typeof withStatementCache>;

/** Prepared statements on the registry's connection, run synchronously (see transactNow). */
export type Statements = { prepare(sql: string): SQLite.Statement };

const connections = new WeakMap<Registry, Connection>();

export async function openRegistry(file: string): Promise<Registry> {
  if (file !== ":memory:") makePrivateDatabase(file);
  const sqlite = new SQLite(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const checkpointer = file === ":memory:" ? null : startCheckpointer(file);
  if (checkpointer) sqlite.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
  const database = withStatementCache(sqlite, () => checkpointer?.stop());
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  connections.set(db, database);
  await migrate(db as Kysely<unknown>);
  return db;
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
  const connection = {
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
    /** Whether a transaction is open on the connection (Kysely's, between its BEGIN and COMMIT). */
    get inTransaction() {
      return sqlite.inTransaction;
    },
    /** Runs `work` in a transaction of its own, synchronously: the caller checked that none is open. */
    transaction<T>(work: (statements: Statements) => T): T {
      connection.prepare("begin").run();
      try {
        const result = work(connection);
        connection.prepare("commit").run();
        return result;
      } catch (error) {
        if (sqlite.inTransaction) connection.prepare("rollback").run();
        throw error;
      }
    },
  };
  return connection;
}

// The hot path without Kysely. A state change is a handful of statements whose SQL never changes: building,
// compiling and running each through Kysely's executor (a promise chain and a connection hand-off per
// statement) cost more CPU and garbage than SQLite itself. better-sqlite3 is synchronous, so statements run
// straight on the connection finish before any other JavaScript runs. That is safe whenever no transaction
// is open on the connection: Kysely holds the connection from BEGIN to COMMIT of each of its transactions,
// and one that is open (waiting on an await) must neither see these statements join it nor have them read
// its uncommitted rows. So each helper checks, and when a transaction is open it goes through Kysely, which
// waits its turn as every query does.

function connectionOf(db: Registry): Connection {
  const connection = connections.get(db);
  if (!connection) throw new Error("not a registry opened by openRegistry");
  return connection;
}

/** The first row of a read, from committed data: at once when no transaction is open, else through Kysely. */
export async function readNow<Row>(
  db: Registry,
  sql: string,
  parameters: readonly unknown[],
): Promise<Row | undefined> {
  const connection = connectionOf(db);
  if (!connection.inTransaction) return connection.prepare(sql).get(...parameters) as Row | undefined;
  const result = await db.executeQuery<Row>(CompiledQuery.raw(sql, [...parameters]));
  return result.rows[0];
}

/**
 * Runs `work` (plain statements, no awaits) in one transaction: at once when no transaction is open on the
 * connection, else as a Kysely transaction after the open one. Either way it commits or rolls back whole.
 */
export async function transactNow<T>(db: Registry, work: (statements: Statements) => T): Promise<T> {
  const connection = connectionOf(db);
  if (!connection.inTransaction) return connection.transaction(work);
  return db.transaction().execute((trx) => Promise.resolve(work(statementsIn(db, trx))));
}

/**
 * The same statements inside a Kysely transaction (`trx`), which holds the connection from BEGIN to COMMIT:
 * they are part of it and roll back with it.
 */
export function statementsIn(db: Registry, trx: Transaction<Database>): Statements {
  const connection = connectionOf(db);
  if (!trx.isTransaction || !connection.inTransaction)
    throw new Error("statementsIn: only inside a transaction on this registry");
  return connection;
}
