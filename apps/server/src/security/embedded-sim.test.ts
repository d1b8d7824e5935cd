// Embedded mode on a shared machine: the simulator's control API (every agent password, reset, faults) asks
// for a token only the console knows, and DATA_DIR and its files are readable by their owner only.
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConsole } from "../index.ts";
import { ADMIN_PASSWORD, type TestConsole, startTestConsole } from "../test-support.ts";

const mode = (path: string) => statSync(path).mode & 0o777;

describe("the embedded simulator's control API", () => {
  let t: TestConsole;

  beforeAll(async () => {
    t = await startTestConsole();
    await t.admin.createQueue("2000");
    await t.admin.createAgent("1001", "2000", "agent-secret-1");
  });

  afterAll(async () => {
    await t?.stop();
  });

  it.each([
    ["GET", "state"],
    ["GET", "calls"],
    ["POST", "reset"],
    ["POST", "seed"],
    ["POST", "faults"],
    ["POST", "latency"],
    ["POST", "phone"],
  ])(
    "%s /__sim/%s without the console's token → 401, and nothing is shown or changed",
    async (method, route) => {
      const before = t.pbx.state();
      for (const authorization of [undefined, "Bearer guess", `Bearer ${t.pbx.secure}`]) {
        const reply = await fetch(`${t.pbx.url}/__sim/${route}`, {
          method,
          headers: {
            "content-type": "application/json",
            ...(authorization === undefined ? {} : { authorization }),
          },
          ...(method === "POST" ? { body: JSON.stringify({ kind: "hang", fixedMs: 5000 }) } : {}),
        });
        expect(reply.status).toBe(401);
        expect(await reply.text()).not.toContain("agent-secret-1");
      }
      expect(t.pbx.state()).toEqual(before);
      expect(t.pbx.faults()).toEqual([]);
      expect(t.pbx.latency()).toEqual({ fixedMs: 0, jitterMs: 0 });
    },
  );

  it("the token is random per start, long, and opens the control API for whoever the console gives it to", async () => {
    const token = t.pbx.controlToken;
    expect(token).toMatch(/^[\w-]{43}$/);
    const reply = await fetch(`${t.pbx.url}/__sim/state`, { headers: { authorization: `Bearer ${token}` } });
    expect(reply.status).toBe(200);
    // It is not the PBX secure code, and it never leaves the server through the console's API.
    expect(token).not.toBe(t.pbx.secure);
    const health = await t.admin.call("GET /health");
    expect(health.text).not.toContain(token);
  });
});

describe("DATA_DIR and its files", () => {
  let parent: string;
  let dataDir: string;

  beforeAll(() => {
    parent = mkdtempSync(join(tmpdir(), "crystal-files-"));
    dataDir = join(parent, "fresh", "data");
  });

  afterAll(() => {
    rmSync(parent, { recursive: true, force: true });
  });

  const start = () =>
    startConsole({
      PORT: "0",
      DATA_DIR: dataDir,
      ADMIN_PASSWORD,
      LOG_LEVEL: "silent",
      SCRYPT_LOG_N: "10",
    });

  it("a new DATA_DIR is created 0700; the registry (with -wal and -shm) and pbx-sim.json are 0600", async () => {
    const running = await start();
    try {
      const files = ["console.sqlite", "console.sqlite-wal", "console.sqlite-shm", "pbx-sim.json"];
      for (const file of files) expect(existsSync(join(dataDir, file)), file).toBe(true);
      expect(mode(dataDir)).toBe(0o700);
      for (const file of files) expect([file, mode(join(dataDir, file))]).toEqual([file, 0o600]);
    } finally {
      await running.close();
    }
  });

  it("files an older version left readable by others are 0600 after the next start", async () => {
    for (const file of ["console.sqlite", "pbx-sim.json"]) chmodSync(join(dataDir, file), 0o644);
    const running = await start();
    try {
      expect(mode(join(dataDir, "console.sqlite"))).toBe(0o600);
      expect(mode(join(dataDir, "console.sqlite-wal"))).toBe(0o600);
      expect(mode(join(dataDir, "pbx-sim.json"))).toBe(0o600);
    } finally {
      await running.close();
    }
  });
});
