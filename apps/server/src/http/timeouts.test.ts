// The console's HTTP server timeouts (index.ts, serverTimeouts): a client that sends its headers or its body
// slowly is cut off; an idle keep-alive connection and a long-lived event stream are not.
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.ts";
import { SseReader, type TestConsole, startTestConsole } from "../test-support.ts";

let t: TestConsole;
const HEADERS_MS = 500;
const REQUEST_MS = 1_500;

beforeAll(async () => {
  t = await startTestConsole({
    HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_MS),
    HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_MS),
  });
});

afterAll(async () => {
  await t?.stop();
});

/** A raw TCP connection to the console, with everything it received and when it closed. */
async function rawConnection() {
  const { hostname, port } = new URL(t.url);
  const socket: Socket = connect(Number(port), hostname);
  await new Promise<void>((resolve) => socket.once("connect", resolve));
  const opened = performance.now();
  let received = "";
  socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
  const closed = new Promise<number>((resolve) =>
    socket.once("close", () => resolve(performance.now() - opened)),
  );
  socket.on("error", () => undefined);
  return { socket, closed, received: () => received };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends `start`, then `drip` every `everyMs` for ever (never finishing the request): how long until the
 * console closes the connection (Infinity after 10 s), and what it answered.
 */
async function slowClient(start: string, drip: string, everyMs: number) {
  const { socket, closed, received } = await rawConnection();
  socket.write(start);
  const timer = setInterval(() => socket.write(drip), everyMs);
  const elapsed = await Promise.race([closed, sleep(10_000).then(() => Infinity)]);
  clearInterval(timer);
  socket.destroy();
  return { elapsed, answer: received() };
}

describe("HTTP server timeouts", () => {
  it("defaults: 10 s for the headers, 120 s for a whole request, 5 s keep-alive", () => {
    expect(loadConfig({}).httpTimeouts).toEqual({
      headersMs: 10_000,
      requestMs: 120_000,
      keepAliveMs: 5_000,
    });
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: "200000" })).toThrow(/HTTP_HEADERS_TIMEOUT_MS/);
  });

  it("a client that sends its headers slowly (a line every 200 ms, never done) gets 408 and is cut off", async () => {
    const { elapsed, answer } = await slowClient(
      "GET /api/health HTTP/1.1\r\nHost: console\r\n",
      "X-Slow: yes\r\n",
      200,
    );
    // Cut off after the configured headers timeout, checked every second: far from Node's default 60 s.
    expect(elapsed).toBeGreaterThanOrEqual(HEADERS_MS - 50);
    expect(elapsed).toBeLessThan(HEADERS_MS + 2_500);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("a client that sends its body slowly is cut off at the request timeout", async () => {
    const { elapsed, answer } = await slowClient(
      "POST /api/session HTTP/1.1\r\nHost: console\r\nContent-Type: application/json\r\n" +
        "X-Requested-With: crystal-console\r\nContent-Length: 1000\r\n\r\n",
      " ",
      100,
    );
    expect(elapsed).toBeGreaterThanOrEqual(REQUEST_MS - 50);
    expect(elapsed).toBeLessThan(REQUEST_MS + 2_500);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("an idle keep-alive connection is not cut by the headers timeout: a request after 1 s of quiet is answered", async () => {
    const { socket, received } = await rawConnection();
    const request = "GET /api/health HTTP/1.1\r\nHost: console\r\n\r\n";
    socket.write(request);
    await sleep(2 * HEADERS_MS);
    socket.write(request);
    await sleep(300);
    socket.destroy();
    expect(received().match(/HTTP\/1\.1 200 /g)).toHaveLength(2);
  });

  it("the event stream outlives the request timeout and keeps delivering", async () => {
    const stream = await SseReader.open(t.admin);
    expect(stream.status).toBe(200);
    await sleep(REQUEST_MS + 1_500);
    await t.admin.createQueue("2100", "After the request timeout");
    const event = await stream.waitFor(
      (each) => each.event === "queue" && each.data.includes('"2100"'),
      3_000,
    );
    expect(event.data).toContain("After the request timeout");
    stream.close();
  });
});
