// Which texts the pool's clients run as named prepared statements (decision 037): those prepared() named,
// and never a bulk shape with more than MAX_PREPARED_PARAMETERS parameters (each would be one more
// statement held by every connection).
import pg from "pg";
import { expect, it, vi } from "vitest";
import { MAX_PREPARED_PARAMETERS, PreparingClient, nameStatement } from "./pg-statements.ts";

type LooseQuery = (this: pg.Client, ...args: unknown[]) => unknown;

/** What PreparingClient hands to node-postgres's own query for one call (nothing is sent: no connection). */
function sentFor(text: string, values: unknown[]): unknown[] {
  const sent: unknown[][] = [];
  const record = (...args: unknown[]) => void sent.push(args);
  const base = vi.spyOn(pg.Client.prototype, "query").mockImplementation(record);
  try {
    (PreparingClient.prototype.query as LooseQuery).call(new pg.Client(), text, values);
    return sent[0] ?? [];
  } finally {
    base.mockRestore();
  }
}

const placeholders = (n: number) => Array.from({ length: n }, (_, i) => `$${i + 1}`).join(", ");

it("a named text runs as a prepared statement, under the same name every time", () => {
  const text = `select * from "agents" where "id" = $1 -- ${Math.random()}`;
  nameStatement(text, 1);
  const [first] = sentFor(text, ["10"]);
  const [again] = sentFor(text, ["11"]);
  expect(first).toMatchObject({ text, values: ["10"] });
  expect((first as { name: string }).name).toMatch(/^registry_\d+$/);
  expect((again as { name: string }).name).toBe((first as { name: string }).name);
});

it("a text nobody named, and a bulk text over the limit, run unnamed as given", () => {
  const unnamed = `select 1 -- ${Math.random()}`;
  expect(sentFor(unnamed, [])).toEqual([unnamed, []]);
  const n = MAX_PREPARED_PARAMETERS + 1;
  const bulk = `insert into "events" ("data") values (${placeholders(n)})`;
  nameStatement(bulk, n);
  const values = Array.from({ length: n }, (_, i) => String(i));
  expect(sentFor(bulk, values)).toEqual([bulk, values]);
});
