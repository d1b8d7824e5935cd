import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { errors, MockAgent, type Dispatcher } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { createPbxClient } from "./client.ts";
import { PbxInputError, PbxTransportError } from "./errors.ts";
import { AGENT_COMMAND_PATH, MANAGEMENT_PATH } from "./request.ts";
import type { PbxCallRecord, PbxClient, PbxClientOptions } from "./types.ts";

const SECURE = "Zq9-secure-4324221";
const ORIGIN = "http://pbx.test";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Harness = {
  client: PbxClient;
  mockAgent: MockAgent;
  dispatched: () => number;
  records: PbxCallRecord[];
};

/** A client over a MockAgent (no network), counting every request that reaches the dispatcher. */
function mockHarness(options: Partial<PbxClientOptions> = {}): Harness {
  const mockAgent = new MockAgent();
  mockAgent.disableNetConnect();
  let count = 0;
  const counting: Dispatcher = mockAgent.compose((dispatch) => (opts, handler) => {
    count += 1;
    return dispatch(opts, handler);
  });
  const records: PbxCallRecord[] = [];
  const client = createPbxClient({
    baseUrl: `${ORIGIN}/`,
    secure: SECURE,
    dispatcher: counting,
    onCall: (record) => records.push(record),
    ...options,
  });
  cleanups.push(async () => {
    await client.close();
    await mockAgent.close();
  });
  return { client, mockAgent, dispatched: () => count, records };
}

async function failure(promise: Promise<unknown>): Promise<PbxTransportError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(PbxTransportError);
    return error as PbxTransportError;
  }
  throw new Error("expected the call to fail");
}

function expectNoSecret(value: unknown): void {
  const text = JSON.stringify(value, Object.getOwnPropertyNames(value ?? {}));
  expect(text).not.toContain(SECURE);
  expect(String((value as Error).message)).not.toContain(SECURE);
}

const newQueuePath = (id: string, name: string) =>
  `${MANAGEMENT_PATH}?action=new_queue&queue_id=${id}&queue_name=${encodeURIComponent(name)}&secure=${SECURE}`;

describe("answers through the client", () => {
  it("returns the outcome of a refusal and reports it as reachable, not ok", async () => {
    const { client, mockAgent, dispatched, records } = mockHarness();
    mockAgent
      .get(ORIGIN)
      .intercept({ path: newQueuePath("2000", "Sales"), method: "GET" })
      .reply(200, "Failed:5:queue already exists\r\n", {
        headers: { "content-type": "text/html; charset=UTF-8" },
      });
    const outcome = await client.newQueue({ queueId: "2000", name: "  Sales " });
    expect(outcome).toEqual({ kind: "exists", pbx: { code: 5, message: "queue already exists" } });
    expect(dispatched()).toBe(1);
    expect(records).toEqual([
      {
        action: "new_queue",
        url: `${ORIGIN}${MANAGEMENT_PATH}?action=new_queue&queue_id=2000&queue_name=Sales&secure=***`,
        durationMs: expect.any(Number) as number,
        result: "exists",
        ok: false,
        reachable: true,
      },
    ]);
  });

  it("login: ok with the extension; agent commands carry no secure", async () => {
    const { client, mockAgent, records } = mockHarness();
    mockAgent
      .get(ORIGIN)
      .intercept({ path: `${AGENT_COMMAND_PATH}?action=login&agid=201&agext=501`, method: "GET" })
      .reply(200, "\uFEFF0: OK login,201,501\n");
    expect(await client.login({ agentId: "201", extension: "501" })).toEqual({
      kind: "ok",
      extension: "501",
      pbx: { code: 0, message: "OK login,201,501" },
    });
    expect(records[0]).toMatchObject({ result: "ok", ok: true, reachable: true });
  });

  it("a path prefix in the base URL is kept", async () => {
    const { client, mockAgent } = mockHarness({ baseUrl: `${ORIGIN}/crystal/` });
    mockAgent
      .get(ORIGIN)
      .intercept({ path: `/crystal${AGENT_COMMAND_PATH}?action=pause&agid=7`, method: "GET" })
      .reply(200, "0: OK pause,7,100");
    expect(await client.pause({ agentId: "7" })).toMatchObject({ kind: "ok", extension: "100" });
  });

  it("masks the secure code if an unexpected answer echoes it", async () => {
    const { client, mockAgent } = mockHarness();
    mockAgent
      .get(ORIGIN)
      .intercept({ path: `${MANAGEMENT_PATH}?action=del_queue&queue_id=1&secure=${SECURE}`, method: "GET" })
      .reply(200, `Failed:99:bad secure ${SECURE}`);
    const outcome = await client.deleteQueue({ queueId: "1" });
    expect(outcome).toEqual({ kind: "unexpected", pbx: { code: 99, message: "bad secure ***" } });
  });

  it("an observer that throws does not change the outcome", async () => {
    const { client, mockAgent } = mockHarness({
      onCall: () => {
        throw new Error("observer bug");
      },
    });
    mockAgent
      .get(ORIGIN)
      .intercept({ path: /online/, method: "GET" })
      .reply(200, "1: No such agent!");
    expect(await client.online({ agentId: "3" })).toMatchObject({ kind: "noSuchAgent" });
  });
});

describe("input refusal: nothing is sent", () => {
  const calls: Array<[string, (client: PbxClient) => Promise<unknown>]> = [
    ["agentId", (c) => c.deleteAgent({ agentId: "12a" })],
    ["queueId", (c) => c.assignAgent({ agentId: "1", queueId: "12345678901" })],
    ["name", (c) => c.newQueue({ queueId: "1", name: "x".repeat(65) })],
    ["name", (c) => c.editQueue({ queueId: "1", name: "   " })],
    ["name", (c) => c.newAgent({ agentId: "1", password: "p", name: "a\u0007b", outQueueId: "1" })],
    ["password", (c) => c.newAgent({ agentId: "1", password: "a b", name: "n", outQueueId: "1" })],
    ["password", (c) => c.editAgent({ agentId: "1", password: "p".repeat(33) })],
    ["outQueueId", (c) => c.editAgent({ agentId: "1", outQueueId: "" })],
    ["fields", (c) => c.editAgent({ agentId: "1" })],
    ["extension", (c) => c.login({ agentId: "1", extension: "ext" })],
    ["agentId", (c) => c.mission({ agentId: "" })],
  ];

  it.each(calls)("%s (%#)", async (field, call) => {
    const { client, dispatched, records } = mockHarness();
    const promise = call(client);
    await expect(promise).rejects.toBeInstanceOf(PbxInputError);
    await expect(promise).rejects.toMatchObject({ field });
    expect(dispatched()).toBe(0);
    expect(records).toEqual([]);
  });
});

describe("transport faults through MockAgent: typed errors, exactly one request", () => {
  const faults: Array<[string, Error, string, boolean]> = [
    [
      "connection refused",
      Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
      "refused",
      false,
    ],
    ["connect timeout", new errors.ConnectTimeoutError(), "connectTimeout", false],
    ["reset", Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }), "reset", true],
    ["other side closed", new errors.SocketError("other side closed"), "reset", true],
    ["headers timeout", new errors.HeadersTimeoutError(), "headersTimeout", true],
    ["body timeout", new errors.BodyTimeoutError(), "bodyTimeout", true],
    ["an unknown error", new Error("something odd"), "reset", true],
  ];

  it.each(faults)("%s", async (_name, error, kind, outcomeUnknown) => {
    const { client, mockAgent, dispatched, records } = mockHarness();
    mockAgent
      .get(ORIGIN)
      .intercept({ path: /management_api/, method: "GET" })
      .replyWithError(error)
      .times(1);
    const caught = await failure(client.assignAgent({ agentId: "7", queueId: "2000" }));
    expect(caught).toMatchObject({ kind, outcomeUnknown, action: "assign_agent" });
    expect(caught.message).toMatch(/^[A-Z].*\.$/);
    expectNoSecret(caught);
    expect(dispatched()).toBe(1);
    mockAgent.assertNoPendingInterceptors();
    expect(records).toEqual([expect.objectContaining({ result: kind, ok: false, reachable: false })]);
    expect(JSON.stringify(records)).not.toContain(SECURE);
  });

  it("HTTP 500: httpStatus with the status, outcome unknown", async () => {
    const { client, mockAgent, dispatched } = mockHarness();
    let replies = 0;
    mockAgent
      .get(ORIGIN)
      .intercept({ path: /management_api/, method: "GET" })
      .reply(() => {
        replies += 1;
        return { statusCode: 500, data: "<h1>Internal Server Error</h1>" };
      })
      .times(1);
    const caught = await failure(client.releaseAgent({ agentId: "7", queueId: "2000" }));
    expect(caught).toMatchObject({ kind: "httpStatus", status: 500, outcomeUnknown: true });
    expectNoSecret(caught);
    expect(replies).toBe(1);
    expect(dispatched()).toBe(1);
  });

  it("garbage body: protocol, with the raw text redacted", async () => {
    const { client, mockAgent, dispatched } = mockHarness();
    mockAgent
      .get(ORIGIN)
      .intercept({ path: /management_api/, method: "GET" })
      .reply(
        200,
        `<html>Notice: undefined index in management_api.php?secure=${SECURE}&agent_pass=pw1</html>`,
      )
      .times(1);
    const caught = await failure(
      client.newAgent({ agentId: "1", password: "pw1", name: "n", outQueueId: "2" }),
    );
    expect(caught).toMatchObject({ kind: "protocol", outcomeUnknown: true });
    expect(caught.raw).toBe(
      "<html>Notice: undefined index in management_api.php?secure=***&agent_pass=***</html>",
    );
    expectNoSecret(caught);
    expect(dispatched()).toBe(1);
  });

  it("the secure code is scrubbed from raw text even outside a query string", async () => {
    const { client, mockAgent } = mockHarness();
    mockAgent
      .get(ORIGIN)
      .intercept({ path: /management_api/, method: "GET" })
      .reply(200, `wrong code ${SECURE}!`);
    const caught = await failure(client.deleteAgent({ agentId: "1" }));
    expect(caught.raw).toBe("wrong code ***!");
  });

  it("an over-long body of an HTTP error is still httpStatus", async () => {
    const { client, mockAgent, dispatched } = mockHarness();
    mockAgent
      .get(ORIGIN)
      .intercept({ path: /agent_command/, method: "GET" })
      .reply(503, "x".repeat(70_000))
      .times(1);
    const caught = await failure(client.pause({ agentId: "1" }));
    expect(caught).toMatchObject({ kind: "httpStatus", status: 503, outcomeUnknown: true });
    expect(dispatched()).toBe(1);
  });

  it("an over-long body (more than 64 KiB) is a protocol error", async () => {
    const { client, mockAgent } = mockHarness();
    mockAgent
      .get(ORIGIN)
      .intercept({ path: /agent_command/, method: "GET" })
      .reply(200, `0: OK pause,1,100${" ".repeat(70_000)}`);
    const caught = await failure(client.pause({ agentId: "1" }));
    expect(caught).toMatchObject({ kind: "protocol", outcomeUnknown: true });
    expect(caught.raw?.length).toBe(500);
  });
});

type RealServer = { origin: string; requests: () => number; server: Server };

/** A loopback server whose handler decides how (or whether) to answer. */
async function realServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<RealServer> {
  let count = 0;
  const server = createServer((req, res) => {
    count += 1;
    handler(req, res);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  cleanups.push(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, "close");
  });
  return { origin: `http://127.0.0.1:${port}`, requests: () => count, server };
}

const SHORT_TIMEOUTS = { connectMs: 500, headersMs: 150, bodyMs: 150 };
/** For tests whose server answers at once: room for a loaded machine. */
const RELAXED = { connectMs: 3000, headersMs: 3000, bodyMs: 3000 };

function realClient(origin: string, records: PbxCallRecord[] = [], timeouts = SHORT_TIMEOUTS): PbxClient {
  const client = createPbxClient({
    baseUrl: origin,
    secure: SECURE,
    timeouts,
    onCall: (record) => records.push(record),
  });
  cleanups.push(() => client.close());
  return client;
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("transport faults against a real loopback server", () => {
  it("answers over a keep-alive pool", async () => {
    const { origin, requests } = await realServer((_req, res) => res.end("0: OK pause,201,501\n"));
    const client = realClient(origin, [], RELAXED);
    const results = await Promise.all(Array.from({ length: 10 }, () => client.pause({ agentId: "201" })));
    expect(results.every((r) => r.kind === "ok")).toBe(true);
    expect(requests()).toBe(10);
  });

  it("headers timeout: the PBX never answers; one request, outcome unknown", async () => {
    const { origin, requests } = await realServer(() => undefined);
    const records: PbxCallRecord[] = [];
    const client = realClient(origin, records);
    const started = performance.now();
    const caught = await failure(client.newQueue({ queueId: "1", name: "q" }));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(caught).toMatchObject({ kind: "headersTimeout", outcomeUnknown: true, action: "new_queue" });
    expectNoSecret(caught);
    await settle(300);
    expect(requests()).toBe(1);
    expect(records).toEqual([expect.objectContaining({ result: "headersTimeout", reachable: false })]);
  });

  it("body timeout: headers then silence; one request, outcome unknown", async () => {
    const { origin, requests } = await realServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("Success:0:");
    });
    const caught = await failure(realClient(origin).deleteQueue({ queueId: "1" }));
    expect(caught).toMatchObject({ kind: "bodyTimeout", outcomeUnknown: true });
    await settle(300);
    expect(requests()).toBe(1);
  });

  it("body timeout also bounds a slow trickle (the whole body)", async () => {
    const { origin, requests } = await realServer((_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write(" "), 40);
      res.on("close", () => clearInterval(timer));
    });
    const caught = await failure(realClient(origin).online({ agentId: "1" }));
    expect(caught).toMatchObject({ kind: "bodyTimeout", outcomeUnknown: true });
    await settle(300);
    expect(requests()).toBe(1);
  });

  it("the whole-body limit holds for bodies read at once, and later calls still succeed", async () => {
    // Several bodies trickling at once: each times out on its own whole-body deadline.
    let n = 0;
    const { origin, requests } = await realServer((_req, res) => {
      n += 1;
      if (n > 3) {
        res.end("0: OK online,1,100");
        return;
      }
      res.writeHead(200);
      const timer = setInterval(() => res.write(" "), 40);
      res.on("close", () => clearInterval(timer));
    });
    const client = realClient(origin);
    const started = performance.now();
    const results = await Promise.allSettled([
      client.online({ agentId: "1" }),
      client.online({ agentId: "2" }),
      client.online({ agentId: "3" }),
    ]);
    expect(performance.now() - started).toBeLessThan(2000);
    for (const result of results) {
      expect(result.status).toBe("rejected");
      const reason: unknown = result.status === "rejected" ? result.reason : undefined;
      expect(reason).toBeInstanceOf(PbxTransportError);
      expect(reason).toMatchObject({ kind: "bodyTimeout", outcomeUnknown: true, action: "online" });
    }
    await settle(300);
    expect(requests()).toBe(3);
    expect(await client.online({ agentId: "1" })).toMatchObject({ kind: "ok", extension: "100" });
    expect(requests()).toBe(4);
  });

  it("a non-200 whose body never ends is still httpStatus, within the body timeout", async () => {
    const { origin, requests } = await realServer((_req, res) => {
      res.writeHead(502);
      res.write("Bad gateway");
    });
    const started = performance.now();
    const caught = await failure(realClient(origin).pause({ agentId: "1" }));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(caught).toMatchObject({ kind: "httpStatus", status: 502, outcomeUnknown: true });
    await settle(300);
    expect(requests()).toBe(1);
  });

  it("reset: the PBX drops the connection after reading the request; one request, no retry", async () => {
    const { origin, requests } = await realServer((req) => req.socket.destroy());
    const caught = await failure(realClient(origin, [], RELAXED).assignAgent({ agentId: "1", queueId: "2" }));
    expect(caught).toMatchObject({ kind: "reset", outcomeUnknown: true });
    expectNoSecret(caught);
    await settle(300);
    expect(requests()).toBe(1);
  });

  it("reset on a reused keep-alive connection is not retried either", async () => {
    let n = 0;
    const { origin, requests } = await realServer((req, res) => {
      n += 1;
      if (n === 1) res.end("0: OK pause,1,100");
      else req.socket.destroy();
    });
    const client = realClient(origin, [], RELAXED);
    expect(await client.pause({ agentId: "1" })).toMatchObject({ kind: "ok" });
    const caught = await failure(client.pause({ agentId: "1" }));
    expect(caught).toMatchObject({ kind: "reset", outcomeUnknown: true });
    await settle(300);
    expect(requests()).toBe(2);
  });

  it("HTTP 400 from the server: httpStatus", async () => {
    const { origin } = await realServer((_req, res) => {
      res.statusCode = 400;
      res.end("unknown action");
    });
    const caught = await failure(realClient(origin, [], RELAXED).mission({ agentId: "1" }));
    expect(caught).toMatchObject({ kind: "httpStatus", status: 400, outcomeUnknown: true });
  });

  it("connection refused on a closed port: refused, outcome known (not sent)", async () => {
    const { origin, server } = await realServer(() => undefined);
    server.close();
    await once(server, "close");
    const records: PbxCallRecord[] = [];
    const caught = await failure(realClient(origin, records).deleteAgent({ agentId: "1" }));
    expect(caught).toMatchObject({ kind: "refused", outcomeUnknown: false, action: "del_agent" });
    expect(caught.message).toContain("was not sent");
    expectNoSecret(caught);
    expect(records).toEqual([expect.objectContaining({ result: "refused", ok: false, reachable: false })]);
  });
});

describe("creation", () => {
  it.each(["ftp://pbx", "not a url", "http://pbx?secure=1"])("refuses base URL %j", (baseUrl) => {
    expect(() => createPbxClient({ baseUrl, secure: SECURE })).toThrow(/PBX base URL/);
  });

  it("refuses an empty secure code and bad numbers, without echoing the secure code", () => {
    expect(() => createPbxClient({ baseUrl: ORIGIN, secure: "" })).toThrow(/secure code/);
    expect(() => createPbxClient({ baseUrl: ORIGIN, secure: SECURE, connections: 0 })).toThrow(/connections/);
    expect(() => createPbxClient({ baseUrl: ORIGIN, secure: SECURE, timeouts: { headersMs: -1 } })).toThrow(
      /headers timeout/,
    );
  });
});
