// Queries of the write path compiled by Kysely once per dialect and shape, then run with new parameters.
// Building and compiling a query through Kysely costs about as much as running it on SQLite, and a state
// change runs eight (docs/performance.md). The query is written once, with Kysely, for both dialects: it is
// built the first time with a marker in place of each parameter, and the compiled SQL remembers which
// parameter goes where. `build` may only pass its parameters into the query, never look at them: whatever
// changes the SQL's shape belongs in `shape`. On PostgreSQL each compiled text also runs as a prepared
// statement, parsed and planned once per connection (registry/pg-statements.ts, decision 037).
import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from "kysely";
import { isPostgres } from "./open.ts";
import { nameStatement } from "./pg-statements.ts";
import type { Database } from "./schema.ts";

class Slot {
  constructor(readonly name: string) {}
}

type Entry<P> = { sql: string; slots: ((keyof P & string) | { value: unknown })[] };

export function prepared<P extends Record<string, unknown>, R>(
  build: (db: Kysely<Database>, params: P, shape: string) => Compilable<R>,
): (db: Kysely<Database>, params: P, shape?: string) => Promise<QueryResult<R>> {
  const cache = new Map<string, Entry<P>>();
  return (db, params, shape = "") => {
    const postgres = isPostgres(db);
    const key = `${postgres ? "postgres" : "sqlite"}:${shape}`;
    let entry = cache.get(key);
    if (!entry) {
      const markers = Object.fromEntries(Object.keys(params).map((name) => [name, new Slot(name)])) as P;
      const compiled = build(db, markers, shape).compile();
      entry = {
        sql: compiled.sql,
        slots: compiled.parameters.map((value) =>
          value instanceof Slot ? (value.name as keyof P & string) : { value },
        ),
      };
      cache.set(key, entry);
      if (postgres) nameStatement(entry.sql, entry.slots.length);
    }
    const parameters = entry.slots.map((slot) => (typeof slot === "object" ? slot.value : params[slot]));
    return db.executeQuery<R>(CompiledQuery.raw(entry.sql, parameters));
  };
}

/** How many rows a prepared insert, update or delete changed. */
export const changed = (result: QueryResult<unknown>) => Number(result.numAffectedRows ?? 0n);
