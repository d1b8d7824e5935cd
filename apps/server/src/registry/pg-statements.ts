// Server-side prepared statements on PostgreSQL for the write path's fixed SQL texts (decision 037).
// Kysely's Postgres driver sends every query unnamed, so PostgreSQL parses and plans it on every run; for the
// registry's short statements that is about half of each round trip. The texts that prepared() compiles
// (registry/prepared.ts) are a small fixed set, so each gets a name, and node-postgres prepares a named
// statement once per connection and afterwards only binds and executes it.
import pg from "pg";

const names = new Map<string, string>();

/**
 * Texts with more parameters are bulk shapes (n event rows in one insert, one text per n): they stay unnamed,
 * so that each connection holds a bounded set of prepared statements, and their parsing is small beside
 * their work.
 */
export const MAX_PREPARED_PARAMETERS = 64;

/** Marks `sql` (a fixed text whose values are all parameters) to run as a named prepared statement. */
export function nameStatement(sql: string, parameters: number): void {
  if (parameters > MAX_PREPARED_PARAMETERS || names.has(sql)) return;
  names.set(sql, `registry_${names.size + 1}`);
}

/** node-postgres's client, running the named texts as prepared statements and everything else as before. */
export class PreparingClient extends pg.Client {}

PreparingClient.prototype.query = function (this: pg.Client, ...args: unknown[]): unknown {
  const [text, values, callback] = args;
  const name = typeof text === "string" && callback === undefined ? names.get(text) : undefined;
  const named = name !== undefined && Array.isArray(values);
  return pg.Client.prototype.query.apply(this, (named ? [{ name, text, values }] : args) as never);
} as pg.Client["query"];
