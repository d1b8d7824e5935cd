// How many SQL statements (each a round trip on PostgreSQL) a state change costs, end to end through the
// route (issues 10 and 11: the console's overhead on a PBX-backed request; docs/decisions/035-commit-path.md).
// The statements are counted at the driver (better-sqlite3's statements, node-postgres's queries). On
// PostgreSQL each one but BEGIN and COMMIT must run as a prepared statement (decision 037): one that does not
// is listed with "(unprepared)".
import SQLite from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDialect } from "../test-database.ts";
import { type TestConsole, startTestConsole } from "../test-support.ts";

let t: TestConsole;
let traced: string[] | null = null;
/** The SQL texts that node-postgres ran as named (prepared) statements. */
const named = new Set<string>();

/**
 * Whether the statement runs for a state change (the service and the write path in its async stack): the
 * console's timers (heartbeat, recovery, the settle loop) use other connections of the same pool.
 */
function ofTheRequest(): boolean {
  const stack = new Error().stack ?? "";
  return stack.includes("/agents/service.ts") || stack.includes("/pbx/writes.ts");
}
const restore: (() => void)[] = [];

/** Records every SQL text the drivers run while `traced` is set. */
function traceDrivers() {
  const probe = new SQLite(":memory:");
  const statement = Object.getPrototypeOf(probe.prepare("select 1")) as Record<string, unknown>;
  probe.close();
  for (const method of ["run", "all", "get"]) {
    const original = statement[method] as (this: { source: string }, ...args: unknown[]) => unknown;
    statement[method] = function (this: { source: string }, ...args: unknown[]) {
      if (traced && ofTheRequest()) traced.push(this.source);
      return original.apply(this, args);
    };
    restore.push(() => (statement[method] = original));
  }
  const client = pg.Client.prototype as unknown as Record<string, unknown>;
  const query = client.query as (this: unknown, ...args: unknown[]) => unknown;
  client.query = function (this: unknown, ...args: unknown[]) {
    const [text] = args;
    if (traced && ofTheRequest()) {
      const config = typeof text === "string" ? { text } : (text as { text?: string; name?: string });
      traced.push(String(config.text));
      if (config.name) named.add(String(config.text));
    }
    return query.apply(this, args);
  };
  restore.push(() => (client.query = query));
}

/**
 * The statements of one change, each as its verb and first table ("select agents"). */
async function statementsOf(change: () => Promise<{ status: number }>): Promise<string[]> {
  traced = [];
  try {
    expect((await change()).status).toBe(200);
    return traced.map((text) =>
      [
        text.split(/\s/)[0],
        /"(\w+)"/.exec(text)?.[1],
        text.includes(" for update") ? "for update" : "",
        postgres && !named.has(text) && text !== "begin" && text !== "commit" ? "(unprepared)" : "",
      ]
        .filter(Boolean)
        .join(" "),
    );
  } finally {
    traced = null;
  }
}

beforeAll(async () => {
  Error.stackTraceLimit = 100;
  traceDrivers();
  t = await startTestConsole();
  await t.admin.createQueue("2000", "Sales");
  await t.admin.createAgent("5100", "2000");
  expect((await t.admin.state("5100", { action: "login", extension: "651" })).status).toBe(200);
});

afterAll(async () => {
  await t.stop();
  for (const undo of restore) undo();
});

const postgres = testDialect() === "postgres";

/** Every state change: validate, take the lease, then in one transaction release it and update the agent. */
const upToTheAgent = [
  "select agents",
  "insert fact_locks",
  "begin",
  // PostgreSQL: the lease released, the settle row deleted and the agent's row locked, in one statement.
  ...(postgres ? ["with settled for update"] : ["delete fact_locks", "delete settles"]),
  // The agent's open interval comes back with its row, read under the lock: no statement of its own.
  "update agents",
];
/** And after the history: PostgreSQL's audit row, the events' order lock and the events in one statement. */
const auditAndEvents = [...(postgres ? ["with audited"] : ["insert audit", "insert events"]), "commit"];

describe("a state change's statements", () => {
  it("a pause that changes the state: the lease, then one transaction (closing an interval, opening one)", async () => {
    expect(await statementsOf(() => t.admin.state("5100", { action: "pause", reason: "Break" }))).toEqual([
      ...upToTheAgent,
      "update state_history",
      // The closed interval added to its day's, its month's and its agent-day's totals (decisions 027, 033).
      "insert state_rollups",
      "insert state_rollup_months",
      "insert state_rollup_agent_days",
      "insert state_history",
      ...auditAndEvents,
    ]);
  });

  it("the same pause again: no interval changes", async () => {
    expect(await statementsOf(() => t.admin.state("5100", { action: "pause", reason: "Break" }))).toEqual([
      ...upToTheAgent,
      ...auditAndEvents,
    ]);
  });
});
