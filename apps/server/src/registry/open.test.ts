// The registry on the dialect of this Vitest project: migrations safe when two consoles start at once on
// one fresh database, the dialect differences handled in open.ts, the per-fact order's lease and FIFO.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { freshRegistry, testDialect } from "../test-database.ts";
import { insertEvents } from "./events.ts";
import { migrationNames } from "./migrations.ts";
import { type Registry, openRegistry } from "./open.ts";
import { createFactOrder } from "./order.ts";
import { insertQueue } from "./queues.ts";
import { listQueues } from "./read.ts";
import { defined } from "../test-support.ts";

let dir: string;
const opened: Registry[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "crystal-registry-"));
});

afterAll(async () => {
  await Promise.all(opened.map((db) => db.destroy()));
  rmSync(dir, { recursive: true, force: true });
});

async function open(target: Parameters<typeof openRegistry>[0]) {
  const db = await openRegistry(target);
  opened.push(db);
  return db;
}

describe(`the registry on ${testDialect()}`, () => {
  it("two consoles starting at once on one fresh database migrate it once, and both work", async () => {
    const { target } = await freshRegistry(dir);
    const [a, b] = await Promise.all([open(target), open(target)]);
    const migrations = await a
      .selectFrom("kysely_migration" as never)
      .select("name" as never)
      .execute();
    // Each migration ran exactly once, in order, although both consoles tried.
    expect(migrations.map((row) => (row as { name: string }).name)).toEqual(migrationNames);
    await insertQueue(a, { id: "2000", name: "Sales" });
    expect(await listQueues(b)).toEqual([{ id: "2000", name: "Sales", agentIds: [] }]);
  });

  it("ids come back as numbers, in the order the events were given", async () => {
    const { target } = await freshRegistry(dir);
    const db = await open(target);
    const stored = await insertEvents(db, [
      { type: "queueDeleted", queueId: "1" },
      { type: "queueDeleted", queueId: "2" },
      { type: "queueDeleted", queueId: "3" },
    ]);
    expect(stored.map((item) => typeof item.id)).toEqual(["number", "number", "number"]);
    const first = defined(stored[0], "the first stored event").id;
    expect(stored.map((item) => item.id)).toEqual([first, first + 1, first + 2]);
    expect(stored.map((item) => (item.event as { queueId: string }).queueId)).toEqual(["1", "2", "3"]);
  });
});

describe("the per-fact order", () => {
  let db: Registry;
  const closing = new AbortController();
  beforeAll(async () => {
    db = await open((await freshRegistry(dir)).target);
  });

  it("writers on one fact take turns in arrival order; other facts do not wait", async () => {
    const order = createFactOrder(db, {
      instanceId: "a",
      waitMs: 5000,
      leaseMs: 60_000,
      closing: closing.signal,
    });
    const log: string[] = [];
    let otherDone = (): void => undefined;
    // The first writer holds agent:1 until the other fact's writer is done (or 5 s, should it wait for us).
    const otherEnded = new Promise<void>((resolve) => {
      otherDone = resolve;
      setTimeout(resolve, 5000);
    });
    const writer = async (fact: string, name: string, hold: () => Promise<unknown>) => {
      const turn = await order.take(fact, "{}", fact);
      log.push(`${name} start`);
      await hold();
      log.push(`${name} end`);
      await turn.abandon();
      if (name === "other") otherDone();
    };
    const pause = (ms: number) => () => new Promise((resolve) => setTimeout(resolve, ms));
    await Promise.all([
      writer("agent:1", "first", () => otherEnded),
      writer("agent:1", "second", pause(10)),
      writer("agent:1", "third", pause(0)),
      writer("agent:2", "other", pause(0)),
    ]);
    expect(log.filter((line) => !line.startsWith("other"))).toEqual([
      "first start",
      "first end",
      "second start",
      "second end",
      "third start",
      "third end",
    ]);
    // The other fact went at once, while the first writer held agent:1.
    expect(log.indexOf("other end")).toBeLessThan(log.indexOf("first end"));
    expect(order.busy).toBe(0);
  });

  it("two instances on one registry exclude each other through the lease; a turn not had in time is BUSY", async () => {
    const a = createFactOrder(db, {
      instanceId: "a",
      waitMs: 5000,
      leaseMs: 60_000,
      closing: closing.signal,
    });
    const b = createFactOrder(db, { instanceId: "b", waitMs: 300, leaseMs: 60_000, closing: closing.signal });
    const held = await a.take("agent:9", "{}", "agent 9");
    const started = Date.now();
    await expect(b.take("agent:9", "{}", "agent 9")).rejects.toMatchObject({ status: 503, code: "BUSY" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    const waiting = b.take("agent:9", "{}", "agent 9");
    await new Promise((resolve) => setTimeout(resolve, 50));
    await held.abandon();
    const next = await waiting;
    expect(next.fact).toBe("agent:9");
    await next.abandon();
  });
});
