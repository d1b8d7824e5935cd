// The registry's hot path without Kysely (open.ts: readNow, transactNow, statementsIn). Statements run
// straight on the one connection must never join, or read into, a Kysely transaction that is open and
// waiting on an await: then they wait their turn, as every Kysely query does.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Registry, openRegistry, readNow, statementsIn, transactNow } from "./open.ts";

let dir: string;
let db: Registry;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "crystal-registry-"));
  db = await openRegistry(join(dir, "registry.sqlite"));
});

afterAll(async () => {
  await db?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const insertQueue = `insert into "queues" ("id", "name") values (?, ?)`;
const queueName = (id: string) =>
  readNow<{ name: string }>(db, `select "name" from "queues" where "id" = ?`, [id]).then((row) => row?.name);

/** Opens a Kysely transaction that inserts `id` and then waits until `release` is called. */
function openTransaction(id: string, outcome: "commit" | "rollback") {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let inserted!: () => void;
  const started = new Promise<void>((resolve) => (inserted = resolve));
  const done = db.transaction().execute(async (trx) => {
    await trx.insertInto("queues").values({ id, name: "inside" }).execute();
    inserted();
    await released;
    if (outcome === "rollback") throw new Error("rolled back");
  });
  return { started, release, done: done.catch(() => undefined) };
}

describe("readNow and transactNow", () => {
  it("run at once when no transaction is open, and commit", async () => {
    await transactNow(db, (statements) => statements.prepare(insertQueue).run("1", "one"));
    expect(await queueName("1")).toBe("one");
  });

  it("transactNow rolls the whole transaction back when its work throws", async () => {
    await expect(
      transactNow(db, (statements) => {
        statements.prepare(insertQueue).run("2", "two");
        throw new Error("failed half way");
      }),
    ).rejects.toThrow("failed half way");
    expect(await queueName("2")).toBeUndefined();
    // The connection is usable afterwards, outside any transaction.
    await transactNow(db, (statements) => statements.prepare(insertQueue).run("2", "two"));
    expect(await queueName("2")).toBe("two");
  });

  it("while a Kysely transaction is open, readNow does not see its uncommitted rows", async () => {
    const open = openTransaction("3", "rollback");
    await open.started;
    const read = queueName("3");
    open.release();
    expect(await read).toBeUndefined();
    await open.done;
    expect(await queueName("3")).toBeUndefined();
  });

  it("while a Kysely transaction is open, transactNow waits for it and is not rolled back with it", async () => {
    const open = openTransaction("4", "rollback");
    await open.started;
    const write = transactNow(db, (statements) => statements.prepare(insertQueue).run("5", "after"));
    open.release();
    await write;
    await open.done;
    expect(await queueName("4")).toBeUndefined();
    expect(await queueName("5")).toBe("after");
  });

  it("statementsIn joins the Kysely transaction it is given, and refuses anything else", async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        statementsIn(db, trx).prepare(insertQueue).run("6", "joined");
        await trx.insertInto("queues").values({ id: "7", name: "kysely" }).execute();
        throw new Error("roll both back");
      }),
    ).rejects.toThrow("roll both back");
    expect(await queueName("6")).toBeUndefined();
    expect(await queueName("7")).toBeUndefined();
    expect(() => statementsIn(db, db as never)).toThrow(/only inside a transaction/);
  });
});
