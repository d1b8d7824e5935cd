// The listener's sync() on a real PostgreSQL (docs/decisions/029-fleetbench-session-barrier.md): it resolves
// only after every notification of a transaction committed before the call was handled, which is what lets
// a session lookup trust its copy in memory (auth/sessions.ts); it fails at once when there is no connection.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresDatabase } from "../test-database.ts";
import { SESSIONS_CHANNEL, listen } from "./listen.ts";
import { type Registry, openRegistry } from "./open.ts";
import { deleteSessionsOfUser } from "./sessions.ts";

let url: string;
let db: Registry;

beforeAll(async () => {
  url = await createPostgresDatabase();
  db = await openRegistry({ dialect: "postgres", url });
});

afterAll(async () => {
  await db?.destroy();
});

describe("the listener's sync()", () => {
  it("resolves only after the news of every session end committed before the call has been handled", async () => {
    const heard: string[] = [];
    const listener = await listen(
      url,
      { [SESSIONS_CHANNEL]: (payload) => heard.push(payload) },
      { onReconnect: () => undefined, onError: () => undefined },
    );
    try {
      for (let i = 0; i < 100; i++) {
        // Committed on a pool connection; its notification travels to the listener's own connection.
        await deleteSessionsOfUser(db, `sync-${i}`);
        await listener.sync();
        expect(heard).toHaveLength(i + 1);
        expect(JSON.parse(heard[i] ?? "")).toEqual({ usernames: [`sync-${i}`] });
      }
      // Callers at once share the round trips, and each still passes after the end before it.
      await deleteSessionsOfUser(db, "sync-together");
      await Promise.all(Array.from({ length: 50 }, () => listener.sync()));
      expect(heard.at(-1)).toContain("sync-together");
    } finally {
      await listener.close();
    }
  });

  it("fails at once when the listener has no connection (the caller reads the registry instead)", async () => {
    const listener = await listen(url, {}, { onReconnect: () => undefined, onError: () => undefined });
    await listener.sync();
    await listener.close();
    await expect(listener.sync()).rejects.toThrow(/down/);
  });
});
