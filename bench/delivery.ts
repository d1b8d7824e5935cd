// Event delivery under load (load.bench.ts, phases c, e and g): N SSE clients on /api/events while state
// changes are sent on a fixed schedule, and the same schedule with no clients, so that the writes' latency
// with and without viewers comes from one run. The clients may be spread over several consoles (phase g: two
// consoles on one PostgreSQL), client n on `urls[n % urls.length]`.
//
// Change k goes to agent k mod n: `mission` on the first pass over the agents, `online` on the second, so
// each change is known by its agent and its status. A client that receives an agent's `online` before ever
// seeing its `mission` (the console coalesced them: it lagged) has the first change delivered then too, and
// it is counted as coalesced.
import { type IncomingMessage, Agent as HttpAgent, request as httpRequest } from "node:http";
import { defined } from "../apps/server/src/test-support.ts";
import { percentile } from "./stats.ts";

export type Send = (method: "GET" | "POST", path: string, body?: string, type?: string) => Promise<string>;

export type Writes = { p50: number; p99: number; errors: number; perSecond: number; count: number };

export type Delivery = {
  writes: Writes;
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
  refused: number;
  seconds: number;
};

const body = (pass: number) => JSON.stringify({ action: pass % 2 === 0 ? "mission" : "online" });

/** Sends `rate` changes a second for `seconds` on a fixed schedule (not waiting for answers). */
async function sendChanges(
  send: Send,
  agentIds: readonly string[],
  rate: number,
  seconds: number,
  onSent: (k: number, at: number) => void,
): Promise<Writes> {
  const total = rate * seconds;
  if (total > 2 * agentIds.length) throw new Error("each agent is changed at most twice per run");
  const latencies: number[] = [];
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  for (let k = 0; k < total; k++) {
    const due = started + (k * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const t0 = performance.now();
    onSent(k, t0);
    const path = `/api/agents/${defined(agentIds[k % agentIds.length], "an agent id")}/state`;
    inFlight.push(
      send("POST", path, body(Math.floor(k / agentIds.length)))
        .then(() => void latencies.push(performance.now() - t0))
        .catch(() => void (errors += 1)),
    );
  }
  await Promise.all(inFlight);
  latencies.sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
    count: total,
    perSecond: total / ((performance.now() - started) / 1000),
  };
}

/** The schedule with nobody watching. */
export function measureWrites(send: Send, agentIds: readonly string[], rate: number, seconds: number) {
  return sendChanges(send, agentIds, rate, seconds, () => undefined);
}

type Client = { seen: Uint8Array; close: () => void };

/**
 * The schedule with `clients` SSE clients open (spread over `cookies`); `onConnected` runs once they all
 * are (to read the console's memory with them open).
 */
export async function measureDelivery(options: {
  urls: readonly string[];
  cookies: string[];
  clients: number;
  send: Send;
  agentIds: readonly string[];
  rate: number;
  seconds: number;
  onConnected?: () => void;
}): Promise<Delivery> {
  const { agentIds, rate, seconds } = options;
  const n = agentIds.length;
  const index = new Map(agentIds.map((id, i) => [id, i]));
  const total = rate * seconds;
  const sentAt = new Float64Array(total).fill(Number.NaN);
  const firstArrival = new Float64Array(total).fill(Number.NaN);
  const delays = new Float64Array(total * options.clients);
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
    const at = performance.now();
    if (status === "mission") {
      deliver(client, i, at);
      return;
    }
    // `online` stands for its agent's `mission` too when that never came (coalesced away).
    if (deliver(client, i + n, at) && !client.seen[i] && deliver(client, i, at)) coalesced += 1;
  };
  const agent = new HttpAgent({ keepAlive: false, maxSockets: Infinity });
  const { clients, refused } = await openClients(options, total, agent, onAgent, () => (streamErrors += 1));
  options.onConnected?.();
  const started = performance.now();
  const writes = await sendChanges(options.send, agentIds, rate, seconds, (k, at) => (sentAt[k] = at));
  // Let the last events reach every client (bounded).
  const expected = total * clients.length;
  const drainUntil = performance.now() + 5000;
  while (deliveries < expected && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 20));
  const elapsed = (performance.now() - started) / 1000;
  for (const client of clients) client.close();
  agent.destroy();
  const sorted = Array.from(delays.subarray(0, deliveries)).sort((a, b) => a - b);
  spread.sort((a, b) => a - b);
  return {
    writes,
    deliveries,
    expected,
    coalesced,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    spreadP50: percentile(spread, 50),
    spreadP99: percentile(spread, 99),
    streamErrors,
    refused,
    seconds: elapsed,
  };
}

/** Opens the clients, 25 at a time, each resolved once it has its `: connected` (or refused). */
async function openClients(
  options: { urls: readonly string[]; cookies: string[]; clients: number },
  total: number,
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
