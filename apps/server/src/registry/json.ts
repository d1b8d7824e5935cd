// The SQL expressions that differ by dialect: a JSON array of one column of a subquery (an agent's queue
// ids, a queue's members) and a JSON object of a subquery's first row (an agent's open interval), used where
// a written row comes back with what belongs to it in the same statement.
import { type Kysely, type RawBuilder, sql } from "kysely";
import { isPostgres } from "./open.ts";
import type { Database } from "./schema.ts";

/** The ids of a correlated subquery as a JSON array (a string on SQLite, parsed already on PostgreSQL). */
export function jsonIds(db: Kysely<Database>, select: RawBuilder<unknown>): RawBuilder<unknown> {
  return isPostgres(db)
    ? sql`(select coalesce(json_agg(t.id), '[]'::json) from (${select}) as t)`
    : sql`(select json_group_array(t.id) from (${select}) as t)`;
}

/** Columns of a correlated subquery's first row as a JSON object, null for no row; parseJsonObject reads it. */
export function jsonObject(
  db: Kysely<Database>,
  columns: readonly string[],
  select: RawBuilder<unknown>,
): RawBuilder<unknown> {
  const pairs = sql.join(columns.map((column) => sql`${sql.lit(column)}, ${sql.ref(`t.${column}`)}`));
  return isPostgres(db)
    ? sql`(select json_build_object(${pairs}) from (${select}) as t)`
    : sql`(select json_object(${pairs}) from (${select}) as t)`;
}

/** A value read back from jsonIds() or jsonObject(): a string on SQLite, parsed already on PostgreSQL. */
function parseJson(value: unknown): unknown {
  return typeof value === "string" ? JSON.parse(value) : value;
}

/** A row read back from jsonObject(). */
export function parseJsonObject<T>(value: unknown): T | null {
  return parseJson(value) as T | null;
}

/** An id list read back from jsonIds(), in the registry's order (numeric ids: shorter first, then by text). */
export function parseIds(value: unknown): string[] {
  const ids = parseJson(value) as string[];
  return ids.sort(byNumericId);
}

export function byNumericId(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
