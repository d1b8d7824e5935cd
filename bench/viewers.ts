// The SSE clients of delivery.ts, in a worker thread of their own. 1,000 clients receiving 100 changes a second
// keep an event loop busy (reading and parsing about 20,000 chunks a second): in the thread that also sends
// the changes and times their answers, an answer would wait behind the clients' chunks, and the writes'
// latency would measure the load generator rather than the console. Here the clients' loop is their own;
// the writer's thread (delivery.ts) stays quiet, and both read one clock (`now`).
//
// The writer stores when it sent change k in `sentAt[k]` (shared memory); a client that receives it records
// the delay. When the writer is done it posts "drain": the worker waits (bounded) for the last events, closes
// the clients and posts the figures back.
import { type IncomingMessage, Agent as HttpAgent, request as httpRequest } from "node:http";
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { defined } from "../apps/server/src/test-support.ts";
import { percentile } from "./stats.ts";

/** Milliseconds on a clock that every thread of this process reads alike. */
export const now = () => performance.timeOrigin + performance.now();

export type ViewersInput = {
  urls: readonly string[];
  cookies: readonly string[];
  clients: number;
  agentIds: readonly string[];
  /** `now()` at which change k was sent, NaN until it is. */
  sentAt: Float64Array;
};

/** What the clients measured: every delivery's delay from the change's sending, and how many arrived. */
export type Figures = {
  deliveries: number;
  expected: number;
  coalesced: number;
  p50: number;
  p99: number;
  max: number;
  /** From the first client's arrival of each change to every later client's. */
  spreadP50: number;
  spreadP99: number;
  streamErrors: number;
};

/** What the worker posts: "connected" once every client has its `: connected`, then the figures. */
export type ViewersMessage = { type: "connected"; refused: number } | ({ type: "figures" } & Figures);

type Client = { seen: Uint8Array; nextPass: Uint16Array; close: () => void };

/**
 * Change k goes to agent k mod n in pass floor(k / n): `mission` in even passes, `online` in odd ones
 * (delivery.ts). A client that receives an agent's status of the other parity than its next pass (the
 * console coalesced a change it lagged behind into the next) has the skipped change delivered then too, and
 * it is counted as coalesced. (Lagging two passes, a whole round over the agents, would be read as one
 * pass later than it is: a longer delay, never a shorter one.)
 */
async function watch(input: ViewersInput, post: (message: ViewersMessage) => void, drain: Promise<void>) {
  const { sentAt, agentIds } = input;
  const total = sentAt.length;
  const n = agentIds.length;
  const index = new Map(agentIds.map((id, i) => [id, i]));
  const firstArrival = new Float64Array(total).fill(Number.NaN);
  const delays = new Float64Array(total * input.clients);
  const spread: number[] = [];
  let deliveries = 0;
  let coalesced = 0;
  let streamErrors = 0;
  const deliver = (client: Client, k: number, at: number) => {
    const sent = sentAt[k] ?? Number.NaN;
    if (k >= total || Number.isNaN(sent) || client.seen[k]) return false;
    client.seen[k] = 1;
    delays[deliveries++] = at - sent;
    const first = firstArrival[k] ?? Number.NaN;
    if (Number.isNaN(first)) firstArrival[k] = at;
    else spread.push(at - first);
    return true;
  };
  const onAgent = (client: Client, id: string, status: string) => {
    const i = index.get(id);
    if (i === undefined || (status !== "mission" && status !== "online")) return;
    const at = now();
    const next = client.nextPass[i] ?? 0;
    const pass = next % 2 === (status === "mission" ? 0 : 1) ? next : next + 1;
    if (!deliver(client, pass * n + i, at)) return;
    client.nextPass[i] = pass + 1;
    // A status one pass on stands for the skipped pass's too (coalesced away).
    if (pass > next && deliver(client, next * n + i, at)) coalesced += 1;
  };
  const agent = new HttpAgent({ keepAlive: false, maxSockets: Infinity });
  const { clients, refused } = await openClients(input, total, n, agent, onAgent, () => (streamErrors += 1));
  post({ type: "connected", refused });
  await drain;
  // Let the last events reach every client (bounded).
  const expected = total * clients.length;
  const drainUntil = performance.now() + 5000;
  while (deliveries < expected && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 20));
  for (const client of clients) client.close();
  agent.destroy();
  const sorted = Array.from(delays.subarray(0, deliveries)).sort((a, b) => a - b);
  spread.sort((a, b) => a - b);
  post({
    type: "figures",
    deliveries,
    expected,
    coalesced,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    spreadP50: percentile(spread, 50),
    spreadP99: percentile(spread, 99),
    streamErrors,
  });
}

/** Opens the clients, 25 at a time, each resolved once it has its `: connected` (or refused). */
async function openClients(
  options: { urls: readonly string[]; cookies: readonly string[]; clients: number },
  total: number,
  agentCount: number,
  agent: HttpAgent,
  onAgent: (client: Client, id: string, status: string) => void,
  onError: () => void,
): Promise<{ clients: Client[]; refused: number }> {
  const consoles = options.urls.map((url) => new URL(url));
  let refused = 0;
  const open = (n: number) =>
    new Promise<Client | null>((resolve, reject) => {
      const { hostname, port } = defined(consoles[n % consoles.length], "a console's URL");
      let connected = false;
      let closing = false;
      const req = httpRequest(
        {
          hostname,
          port,
          path: "/api/events",
          agent,
          headers: {
            cookie: defined(options.cookies[n % options.cookies.length], "a session cookie"),
            accept: "text/event-stream",
          },
        },
        (res: IncomingMessage) => {
          if (res.statusCode !== 200) {
            refused += 1;
            res.resume();
            return resolve(null);
          }
          res.setEncoding("utf8");
          let buffer = "";
          res.on("data", (chunk: string) => {
            buffer += chunk;
            let end: number;
            while ((end = buffer.indexOf("\n\n")) !== -1) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              if (!connected && block.startsWith(": connected")) {
                connected = true;
                resolve(client);
                continue;
              }
              if (!block.startsWith("event: agent\n")) continue;
              // The agent's id and status, without parsing the whole JSON per client.
              const id = /"id":"(\d+)"/.exec(block)?.[1];
              const status = /"status":"(\w+)"/.exec(block)?.[1];
              if (id === undefined || status === undefined) onError();
              else onAgent(client, id, status);
            }
          });
          res.on("error", () => {
            if (!closing) onError();
          });
        },
      );
      const client: Client = {
        seen: new Uint8Array(total),
        nextPass: new Uint16Array(agentCount),
        close: () => {
          closing = true;
          req.destroy();
        },
      };
      req.on("error", (error) => {
        if (closing) return;
        if (connected) onError();
        else reject(error);
      });
      req.setTimeout(30_000, () => {
        if (!connected) req.destroy(new Error(`SSE client ${n}: no ": connected" within 30 s`));
      });
      req.end();
    });
  const clients: Client[] = [];
  for (let n = 0; n < options.clients; n += 25) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(25, options.clients - n) }, (_, k) => open(n + k)),
    );
    for (const client of batch) if (client) clients.push(client);
  }
  return { clients, refused };
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const drain = new Promise<void>((resolve) => port.once("message", () => resolve()));
  void watch(workerData as ViewersInput, (message) => port.postMessage(message), drain);
}
