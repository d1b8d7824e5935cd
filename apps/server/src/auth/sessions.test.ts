// The in-memory session cache (sessions.ts): every lookup after the first is served from memory, and every
// way a session ends takes effect on the very next lookup. The API-level cases (sign-out, disabling, a new
// role, a password reset, deleting a user or an agent) are in auth.test.ts, users.test.ts and
// agents.test.ts; these check the cache itself, including the races an HTTP test can't arrange.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Registry, openRegistry } from "../registry/open.ts";
import { deleteSessionsOfUser } from "../registry/sessions.ts";
import { freshRegistry } from "../test-database.ts";
import { createSessions } from "./sessions.ts";

let dir: string;
let db: Registry;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "crystal-session-cache-"));
  db = await openRegistry((await freshRegistry(dir)).target);
});

afterAll(async () => {
  await db?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const MINUTE = 60_000;
const limits = { idleMs: 10 * MINUTE, absoluteMs: 60 * MINUTE };
const rowCount = async (username: string) =>
  (await db.selectFrom("sessions").select("id_hash").where("username", "=", username).execute()).length;

describe("the session cache", () => {
  it("reads a session from the registry once; later lookups come from memory", async () => {
    const sessions = createSessions(db, limits);
    const token = await sessions.create({ username: "mem", role: "supervisor" });
    expect(sessions.cached).toBe(0);
    expect(await sessions.lookup(token)).toEqual({ username: "mem", role: "supervisor" });
    expect(sessions.cached).toBe(1);
    // The row's role changes behind the cache's back (nothing in the console does this: a new role ends
    // the sessions, see below). The cached copy answers, proving the registry was not read again.
    await db.updateTable("sessions").set({ role: "admin" }).where("username", "=", "mem").execute();
    expect(await sessions.lookup(token)).toEqual({ username: "mem", role: "supervisor" });
  });

  it("sign-out (end) takes effect at once, and only for that session", async () => {
    const sessions = createSessions(db, limits);
    const a = await sessions.create({ username: "out", role: "admin" });
    const b = await sessions.create({ username: "out", role: "admin" });
    expect(await sessions.lookup(a)).not.toBeNull();
    expect(await sessions.lookup(b)).not.toBeNull();
    await sessions.end(a);
    expect(await sessions.lookup(a)).toBeNull();
    expect(await sessions.lookup(b)).toEqual({ username: "out", role: "admin" });
    expect(await rowCount("out")).toBe(1);
  });

  it("endAllFor (disabled, deleted, new role or password) ends every cached session of that user only", async () => {
    const sessions = createSessions(db, limits);
    const mine = await Promise.all(
      [1, 2].map(() => sessions.create({ username: "dis", role: "supervisor" })),
    );
    const other = await sessions.create({ username: "stays", role: "supervisor" });
    for (const token of [...mine, other]) expect(await sessions.lookup(token)).not.toBeNull();
    await db.transaction().execute((trx) => sessions.endAllFor("dis", trx));
    for (const token of mine) expect(await sessions.lookup(token)).toBeNull();
    expect(await sessions.lookup(other)).toEqual({ username: "stays", role: "supervisor" });
    expect(await rowCount("dis")).toBe(0);
  });

  it("endAllForAgent (agent deleted or given a new password) ends that agent's cached sessions", async () => {
    const sessions = createSessions(db, limits);
    const agent = await sessions.create({ username: "7001", role: "agent", agentId: "7001" });
    const another = await sessions.create({ username: "7002", role: "agent", agentId: "7002" });
    expect(await sessions.lookup(agent)).toEqual({ username: "7001", role: "agent", agentId: "7001" });
    expect(await sessions.lookup(another)).not.toBeNull();
    await db.transaction().execute((trx) => sessions.endAllForAgent("7001", trx));
    expect(await sessions.lookup(agent)).toBeNull();
    expect(await sessions.lookup(another)).not.toBeNull();
  });

  it("a change that rolls back leaves the session valid (the cache is only ever a copy)", async () => {
    const sessions = createSessions(db, limits);
    const token = await sessions.create({ username: "rolled", role: "supervisor" });
    expect(await sessions.lookup(token)).not.toBeNull();
    await expect(
      db.transaction().execute(async (trx) => {
        await sessions.endAllFor("rolled", trx);
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await sessions.lookup(token)).toEqual({ username: "rolled", role: "supervisor" });
  });

  it("a lookup that read the row before the session ended is not remembered", async () => {
    const sessions = createSessions(db, limits);
    const token = await sessions.create({ username: "race", role: "supervisor" });
    // Not cached yet: this lookup reads the registry, and the end is issued while that read is under way.
    const during = sessions.lookup(token);
    const ending = sessions.endAllFor("race");
    // The lookup began first, so that one request may still pass (on PostgreSQL the two run on separate pool
    // connections, so the end may also reach the registry first and refuse it); nothing after the end does,
    // and nothing is remembered either way.
    expect([null, { username: "race", role: "supervisor" }]).toContainEqual(await during);
    await ending;
    expect(sessions.cached).toBe(0);
    expect(await sessions.lookup(token)).toBeNull();
  });

  it("with other instances (a barrier), a copy is trusted only once the barrier passed; a failed barrier reads the row", async () => {
    // The barrier stands for the listener's sync() (registry/listen.ts; its own test is on PostgreSQL): news
    // of ends committed elsewhere before the lookup arrives, at the latest, while the barrier runs.
    let duringBarrier: () => void = () => undefined;
    let down = false;
    const sessions = createSessions(db, limits, Date.now, {
      barrier: () => {
        duringBarrier();
        return down ? Promise.reject(new Error("the listening connection is down")) : Promise.resolve();
      },
    });
    const user = { username: "fleet-copy", role: "supervisor" } as const;
    const [first, second] = [await sessions.create(user), await sessions.create(user)];
    expect(await sessions.lookup(first)).toEqual(user);
    expect(await sessions.lookup(second)).toEqual(user);
    expect(sessions.cached).toBe(2);
    // Another instance ends them (its delete commits; its news is not here yet).
    await deleteSessionsOfUser(db, "fleet-copy");
    // Connection down: the barrier fails, so the row is read, and the copy it contradicts is dropped.
    down = true;
    expect(await sessions.lookup(first)).toBeNull();
    expect(sessions.cached).toBe(1);
    // The barrier passes and the news arrives while it runs: the copy is dropped before it is consulted.
    down = false;
    duringBarrier = () => sessions.endedElsewhere({ usernames: ["fleet-copy"] });
    expect(await sessions.lookup(second)).toBeNull();
    expect(sessions.cached).toBe(0);
    // And a copy the barrier passed is served from memory, without reading the row.
    duringBarrier = () => undefined;
    const third = await sessions.create(user);
    expect(await sessions.lookup(third)).toEqual(user);
    await deleteSessionsOfUser(db, "fleet-copy");
    expect(await sessions.lookup(third)).toEqual(user);
    sessions.endedElsewhere({ usernames: ["fleet-copy"] });
    expect(await sessions.lookup(third)).toBeNull();
  });

  it("idle and absolute timeouts apply to cached sessions exactly as to stored ones", async () => {
    let clock = 9_000_000;
    const sessions = createSessions(db, { idleMs: 10 * MINUTE, absoluteMs: 15 * MINUTE }, () => clock);
    const idle = await sessions.create({ username: "idle", role: "supervisor" });
    const busy = await sessions.create({ username: "busy", role: "supervisor" });
    expect(await sessions.lookup(idle)).not.toBeNull();
    expect(await sessions.lookup(busy)).not.toBeNull();
    clock += 6 * MINUTE;
    expect(await sessions.lookup(busy)).not.toBeNull();
    clock += 4 * MINUTE + 1;
    // 10 minutes and 1 ms since "idle" was last used: gone, from memory and from the registry.
    expect(await sessions.lookup(idle)).toBeNull();
    expect(await rowCount("idle")).toBe(0);
    expect(await sessions.lookup(busy)).not.toBeNull();
    clock += 5 * MINUTE;
    // In use all along, but 15 minutes and 1 ms old: the absolute timeout ends it.
    expect(await sessions.lookup(busy)).toBeNull();
    expect(await rowCount("busy")).toBe(0);
  });

  it("writes last_seen_at at most every 30 s, so the idle timeout counts from a time at most 30 s old", async () => {
    let clock = 20_000_000;
    const sessions = createSessions(db, { idleMs: 10 * MINUTE, absoluteMs: 60 * MINUTE }, () => clock);
    const token = await sessions.create({ username: "touch", role: "supervisor" });
    const lastSeen = async () =>
      (await db.selectFrom("sessions").select("last_seen_at").where("username", "=", "touch").execute())[0]
        ?.last_seen_at;
    clock += 20_000;
    await sessions.lookup(token);
    expect(await lastSeen()).toBe(20_000_000);
    clock += 11_000;
    await sessions.lookup(token);
    expect(await lastSeen()).toBe(20_031_000);
    // Used 29 s after that write: not written, so it ends 10 minutes after 20_031_000, up to 29 s early.
    clock += 29_000;
    await sessions.lookup(token);
    clock = 20_031_000 + 10 * MINUTE + 1;
    expect(await sessions.lookup(token)).toBeNull();
  });
});

describe("the sessions table is written only by sessions.ts", () => {
  it("no other server module deletes, updates or inserts session rows (each would bypass the cache)", () => {
    const src = fileURLToPath(new URL("..", import.meta.url));
    const offenders: string[] = [];
    const visit = (folder: string) => {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) visit(path);
        else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
          const file = relative(src, path);
          // The table's SQL lives in its repository, which only sessions.ts may use.
          if (file === join("auth", "sessions.ts") || file === join("registry", "migrations.ts")) continue;
          const text = readFileSync(path, "utf8");
          const writesSql =
            file !== join("registry", "sessions.ts") &&
            /(deleteFrom|updateTable|insertInto)\(\s*"sessions"|(delete\s+from|update|insert\s+into)\s+"?sessions\b/i.test(
              text,
            );
          const usesRepository =
            /from "[./]*registry\/sessions\.ts"/.test(text) ||
            (file.startsWith("registry") && text.includes('from "./sessions.ts"'));
          if (writesSql || usesRepository) offenders.push(file);
        }
      }
    };
    visit(src);
    expect(offenders).toEqual([]);
  });
});
