// The event log on PostgreSQL with several writers (docs/decisions/021-instances-fleet.md): ids are drawn in
// commit order, so a reader of `id > cursor` never skips a lower id that commits later; and a committed event
// is announced to every listener, a rolled-back one to none.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresDatabase } from "../test-database.ts";
import { defined, eventually } from "../test-support.ts";
import { eventsSince, insertEvents } from "./events.ts";
import { EVENTS_CHANNEL, type Listener, listen } from "./listen.ts";
import { type Registry, openRegistry } from "./open.ts";

let url: string;
let db: Registry;
const health = {
  type: "health",
  pbx: { mode: "remote", reachable: true, lastOkAt: null, lastError: null },
} as const;

beforeAll(async () => {
  url = await createPostgresDatabase();
  db = await openRegistry({ dialect: "postgres", url });
});

afterAll(async () => {
  await db?.destroy();
});

describe("the event log with several writers", () => {
  it("a second writer's id is drawn only after the first writer's transaction ended", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstId = 0;
    const first = db.transaction().execute(async (tx) => {
      firstId = defined((await insertEvents(tx, [health]))[0], "the event").id;
      await held;
    });
    await eventually(() => expect(firstId).toBeGreaterThan(0));
    let secondId = 0;
    const second = db
      .transaction()
      .execute(async (tx) => defined((await insertEvents(tx, [health, health]))[1], "the second event").id)
      .then((id) => (secondId = id));
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The second waits for the first: it has no id yet, and a reader sees neither.
    expect(secondId).toBe(0);
    expect(await eventsSince(db, 0, 10)).toEqual([]);
    // Its ids are not drawn while it waits (the lock comes before them, in the same statement).
    const drawn = await sql<{ last_value: number }>`select last_value from events_id_seq`.execute(db);
    expect(drawn.rows[0]?.last_value).toBe(firstId);
    release();
    await Promise.all([first, second]);
    expect(secondId).toBe(firstId + 2);
    expect((await eventsSince(db, 0, 10)).map((stored) => stored.id)).toEqual([
      firstId,
      firstId + 1,
      firstId + 2,
    ]);
  });

  it("a committed event is announced to listeners; a rolled-back one is not", async () => {
    const heard: string[] = [];
    const listener: Listener = await listen(
      url,
      { [EVENTS_CHANNEL]: () => heard.push("event") },
      { onReconnect: () => undefined, onError: () => undefined },
    );
    try {
      await db
        .transaction()
        .execute(async (tx) => {
          await insertEvents(tx, [health]);
          throw new Error("rolled back");
        })
        .catch(() => undefined);
      await insertEvents(db, [health]);
      await eventually(() => expect(heard).toEqual(["event"]));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(heard).toEqual(["event"]);
    } finally {
      await listener.close();
    }
  });
});
