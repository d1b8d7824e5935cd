// The agents-list cache (snapshot.ts) is updated change by change, never rebuilt: after any sequence of
// changes through the API, what GET /api/agents sends (plain and gzipped) is byte for byte a fresh read of the
// registry. A seeded random walk over every kind of change: agents created, edited, deleted; states; queues
// created, renamed, deleted; assignments and releases.
import { mkdtempSync, rmSync } from "node:fs";
import { type IncomingHttpHeaders, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import type { Agent } from "@crystal-console/api";
import { type PbxSim, startPbxSim } from "@crystal-console/pbx-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestConsole, startTestConsole, defined } from "../test-support.ts";
import { createEventBus } from "../events/bus.ts";
import { openRegistry } from "./open.ts";
import { listAgents } from "./read.ts";
import { createAgentListCache } from "./snapshot.ts";

let sim: PbxSim;
let t: TestConsole;

beforeAll(async () => {
  // The simulator as a remote PBX without a state file (the embedded one saves its whole state per change).
  sim = await startPbxSim({ host: "127.0.0.1", port: 0, secure: "snapshot-test-secure" });
  t = await startTestConsole({ PBX_URL: sim.url, PBX_SECURE: sim.secure, IMPORT_CONCURRENCY: "8" });
});

afterAll(async () => {
  await t?.stop();
  await sim?.close();
});

/** mulberry32: a small seeded generator, so a failure can be replayed with its seed. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** The raw response, as a browser receives it (fetch would decompress it unseen). */
function rawResponse(
  path: string,
  cookie: string,
  acceptEncoding?: string,
): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  const { hostname, port } = new URL(t.url);
  const headers = { cookie, ...(acceptEncoding === undefined ? {} : { "accept-encoding": acceptEncoding }) };
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, headers }, (response) => {
      const parts: Buffer[] = [];
      response.on("data", (part: Buffer) => parts.push(part));
      response.on("end", () => resolve({ headers: response.headers, body: Buffer.concat(parts) }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** The raw gzipped body, as a browser that sends every encoding it knows receives it. */
async function gzippedBody(path: string, cookie: string): Promise<Buffer> {
  const { headers, body } = await rawResponse(path, cookie, "gzip, deflate, br, zstd");
  expect(headers["content-encoding"]).toBe("gzip");
  return body;
}

async function expectCacheEqualsRegistry(step: string) {
  const fresh = JSON.stringify({ agents: await listAgents(t.deps.db) });
  const plain = await t.admin.call("GET /agents");
  expect(plain.status, step).toBe(200);
  expect(plain.text, step).toBe(fresh);
  expect(
    gunzipSync(await gzippedBody("/api/agents", defined(t.admin.cookie, "a session cookie"))).toString(
      "utf8",
    ),
    step,
  ).toBe(fresh);
}

describe("the agents-list cache", () => {
  it.each([1, 2])(
    "equals a fresh read of the registry after random changes (seed %i)",
    async (seed) => {
      const next = random(seed);
      const pick = <T>(items: readonly T[]): T =>
        defined(items[Math.floor(next() * items.length)], "a random pick");
      const base = seed * 10_000;
      const queues = [String(base + 1), String(base + 2), String(base + 3)];
      for (const id of queues) await t.admin.createQueue(id);
      // Enough agents for several chunks of the cache (256 each), created before the cache is first read.
      const agents: string[] = [];
      await t.admin.importCsv("agents", [
        "agent_id,agent_name,agent_pass,agent_out_q,queues",
        ...Array.from({ length: 600 }, (_, i) => {
          agents.push(String(base + 100 + i * 3));
          return `${base + 100 + i * 3},Agent ${i},pw${i},${queues[i % 3]},${queues[i % 3]}`;
        }),
      ]);
      await expectCacheEqualsRegistry("first read");
      let fresh = base + 5000;
      let extension = 100 + seed * 150;

      const changes: (() => Promise<{ status: number }>)[] = [
        () => t.admin.state(pick(agents), { action: "login", extension: String(extension++) }),
        () => t.admin.state(pick(agents), { action: pick(["logoff", "pause", "online", "mission"]) }),
        () =>
          t.admin.call("PUT /queues/:queueId/agents/:agentId", {
            params: { queueId: pick(queues), agentId: pick(agents) },
          }),
        () =>
          t.admin.call("DELETE /queues/:queueId/agents/:agentId", {
            params: { queueId: pick(queues), agentId: pick(agents) },
          }),
        () =>
          t.admin.call("PATCH /agents/:id", {
            params: { id: pick(agents) },
            body: { name: `Renamed ${Math.floor(next() * 1000)}` },
          }),
        () =>
          t.admin.call("PATCH /agents/:id", {
            params: { id: pick(agents) },
            body: { outQueueId: pick(queues) },
          }),
        async () => {
          // Between existing ids, so that it lands inside a chunk.
          const id = String(base + 101 + 3 * Math.floor(next() * 600));
          const reply = await t.admin.call("POST /agents", {
            body: {
              id,
              name: `New ${id}`,
              password: "pw",
              outQueueId: pick(queues),
            },
          });
          if (reply.status === 201) agents.push(id);
          return reply;
        },
        async () => {
          const id = pick(agents);
          await t.admin.state(id, { action: "logoff" });
          const reply = await t.admin.call("DELETE /agents/:id", { params: { id } });
          if (reply.status === 204) agents.splice(agents.indexOf(id), 1);
          return reply;
        },
        async () => {
          // A bulk import of a few agents, new and existing, with their queues.
          const ids = [String(base + 7000 + Math.floor(next() * 50)), pick(agents)];
          await t.admin
            .importCsv("agents", [
              "agent_id,agent_name,agent_pass,agent_out_q,queues",
              ...ids.map(
                (id) =>
                  `${id},Imported ${id},pw-${id},${queues[0]},${[...new Set([pick(queues), queues[0]])].join(";")}`,
              ),
            ])
            .catch((error: unknown) => {
              // A retired id in the file refuses the whole file: nothing changed.
              if (!String(error).includes("HTTP 400")) throw error;
            });
          for (const id of ids) if (!agents.includes(id)) agents.push(id);
          return { status: 200 };
        },
        () =>
          t.admin.call("PATCH /queues/:queueId", {
            params: { queueId: pick(queues) },
            body: { name: `Queue ${Math.floor(next() * 1000)}` },
          }),
        async () => {
          const id = String(fresh++);
          const created = await t.admin.call("POST /queues", { body: { id, name: `Queue ${id}` } });
          if (created.status === 201) queues.push(id);
          return created;
        },
        async () => {
          // Deleting a queue with members drops the membership from every agent in it.
          if (queues.length < 3) return { status: 204 };
          const id = pick(queues);
          const reply = await t.admin.call("DELETE /queues/:queueId", { params: { queueId: id } });
          if (reply.status === 204) queues.splice(queues.indexOf(id), 1);
          return reply;
        },
      ];

      for (let step = 0; step < 120; step++) {
        const change = Math.floor(next() * changes.length);
        const reply = await defined(changes[change], "changes[change]")();
        expect(reply.status, `step ${step}, change ${change}`).toBeLessThan(500);
        if (step % 8 === 7) await expectCacheEqualsRegistry(`seed ${seed}, step ${step}`);
      }
      await expectCacheEqualsRegistry(`seed ${seed}, end`);
    },
    120_000,
  );
});

describe("GET /api/agents, gzip and plain", () => {
  it("sends a gzip client the same JSON bytes as a plain one after changes, with the headers that say so", async () => {
    const cookie = defined(t.admin.cookie, "a session cookie");
    await t.admin.createQueue("70001");
    const agentBody = (id: string) => ({ id, name: `Agent ${id}`, password: "pw", outQueueId: "70001" });
    await t.admin.call("POST /agents", { body: agentBody("70002") });
    // Both forms read once, so that what follows is the cache after a change, not its first build.
    await rawResponse("/api/agents", cookie);
    await gzippedBody("/api/agents", cookie);
    for (const [step, change] of [
      ["login", () => t.admin.state("70002", { action: "login", extension: "690" })],
      ["pause", () => t.admin.state("70002", { action: "pause" })],
      ["new agent", () => t.admin.call("POST /agents", { body: agentBody("70003") })],
    ] as const) {
      const reply = await change();
      expect(reply.status, `${step}: ${reply.text}`).toBeLessThan(300);
      const plain = await rawResponse("/api/agents", cookie);
      const gzipped = await rawResponse("/api/agents", cookie, "gzip, deflate, br, zstd");
      expect(plain.headers["content-encoding"], step).toBeUndefined();
      expect(gzipped.headers["content-encoding"], step).toBe("gzip");
      for (const { headers } of [plain, gzipped]) {
        expect(headers.vary, step).toMatch(/accept-encoding/i);
        expect(headers["content-type"], step).toMatch(/^application\/json/);
        expect(headers["cache-control"], step).toBe("no-store");
      }
      expect(gunzipSync(gzipped.body).equals(plain.body), step).toBe(true);
      expect(plain.body.toString("utf8"), step).toBe(JSON.stringify({ agents: await listAgents(t.deps.db) }));
    }
    const agents = (
      JSON.parse((await rawResponse("/api/agents", cookie)).body.toString("utf8")) as {
        agents: Agent[];
      }
    ).agents;
    expect(agents.find((agent) => agent.id === "70002")?.status).toBe("paused");
    expect(agents.some((agent) => agent.id === "70003")).toBe(true);
    // A client that refuses gzip (q=0) gets the plain bytes.
    const refused = await rawResponse("/api/agents", cookie, "gzip;q=0, identity");
    expect(refused.headers["content-encoding"]).toBeUndefined();
    expect(refused.body.toString("utf8")).toBe(JSON.stringify({ agents }));
  });
});

describe("the agents-list cache, from events alone", () => {
  it("follows a queue event that changes memberships without its agents' own events", async () => {
    const dir = mkdtempSync(join(tmpdir(), "crystal-snapshot-"));
    const db = await openRegistry(join(dir, "registry.sqlite"));
    try {
      const bus = createEventBus(db);
      const cache = createAgentListCache(db, bus);
      const read = async (gzip = false) => {
        const bytes = await cache.body(gzip);
        return (
          JSON.parse(Buffer.from(gzip ? gunzipSync(bytes) : bytes).toString("utf8")) as { agents: Agent[] }
        ).agents;
      };
      expect(await read()).toEqual([]);
      const agent = (id: string, queueIds: string[]): Agent => ({
        id,
        name: `Agent ${id}`,
        outQueueId: "2000",
        queueIds,
        status: "logged_off",
        extension: null,
        statusSince: "2026-12-01T09:00:00.000Z",
        statusBy: null,
        pauseReason: null,
        confirmed: true,
      });
      let id = 0;
      const send = (...events: Parameters<typeof bus.broadcast>[0][number]["event"][]) =>
        void bus.broadcast(events.map((event) => ({ id: ++id, event })));
      send({ type: "agent", agent: agent("12", ["2000"]) }, { type: "agent", agent: agent("9", []) });
      expect((await read()).map((a) => [a.id, a.queueIds])).toEqual([
        ["9", []],
        ["12", ["2000"]],
      ]);
      send({ type: "queue", queue: { id: "300", name: "Q", agentIds: ["9", "12"] } });
      expect((await read(true)).map((a) => [a.id, a.queueIds])).toEqual([
        ["9", ["300"]],
        ["12", ["300", "2000"]],
      ]);
      send({ type: "queue", queue: { id: "300", name: "Q", agentIds: ["12"] } });
      expect((await read()).map((a) => [a.id, a.queueIds])).toEqual([
        ["9", []],
        ["12", ["300", "2000"]],
      ]);
      send({ type: "queueDeleted", queueId: "2000" }, { type: "agentDeleted", agentId: "9" });
      expect((await read(true)).map((a) => [a.id, a.queueIds])).toEqual([["12", ["300"]]]);
    } finally {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
