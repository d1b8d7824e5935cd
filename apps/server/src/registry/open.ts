// Opens the registry: SQLite (WAL) in DATA_DIR through Kysely over better-sqlite3, migrated to the latest
// schema, with each SQL text prepared once and WAL checkpoints in a worker thread (checkpoint.ts).
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { FALLBACK_AUTOCHECKPOINT_PAGES, startCheckpointer } from "./checkpoint.ts";
import { migrate } from "./migrations.ts";
import type { Database } from "./schema.ts";

export type Registry = Kysely<Database>;

export async function openRegistry(file: string): Promise<Registry> {
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const checkpointer = file === ":memory:" ? null : startCheckpointer(file);
  if (checkpointer) sqlite.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
  const database = withStatementCache(sqlite, () => checkpointer?.stop());
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
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
  return {
    close: () => {
      onClose();
      sqlite.close();
    },
    prepare(sql: string): SQLite.Statement {
      let statement = statements.get(sql);
      if (!statement) {
        statement = sqlite.prepare(sql);
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
