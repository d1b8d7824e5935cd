// Event delivery under load (load.bench.ts, phases c, e and g): N SSE clients on /api/events while state
// changes are sent on a fixed schedule, and the same schedule with no clients, so that the writes' latency
// with and without viewers comes from one run. The clients may be spread over several consoles (phase g: two
// consoles on one PostgreSQL), client n on `urls[n % urls.length]`. They run in a worker thread (viewers.ts),
// so that the answers to the writes, timed here, never wait behind the clients' reading.
import { once } from "node:events";
import { Worker } from "node:worker_threads";
import { defined } from "../apps/server/src/test-support.ts";
import { percentile } from "./stats.ts";
import { type Figures, type ViewersInput, type ViewersMessage, now } from "./viewers.ts";

export type Send = (method: "GET" | "POST", path: string, body?: string, type?: string) => Promise<string>;

export type Writes = { p50: number; p99: number; errors: number; perSecond: number; count: number };

export type Delivery = Figures & { writes: Writes; refused: number; seconds: number };

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

/**
 * The schedule with `clients` SSE clients open (spread over `cookies`), the clients in a worker thread of their
 * own (viewers.ts); `onConnected` runs once they all are (to read the console's memory with them open).
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
  const sentAt = new Float64Array(new SharedArrayBuffer(rate * seconds * 8)).fill(Number.NaN);
  const input: ViewersInput = {
    urls: options.urls,
    cookies: options.cookies,
    clients: options.clients,
    agentIds,
    sentAt,
  };
  const viewers = new Worker(new URL("./viewers.ts", import.meta.url), { workerData: input });
  // The worker posts "connected", then (after "drain") its figures; `once` rejects if the worker fails.
  const posted = async <T extends ViewersMessage["type"]>(type: T) => {
    const [message] = (await once(viewers, "message")) as [ViewersMessage];
    if (message.type !== type) throw new Error(`the viewers' worker posted ${message.type}, not ${type}`);
    return message as Extract<ViewersMessage, { type: T }>;
  };
  try {
    const { refused } = await posted("connected");
    options.onConnected?.();
    const started = performance.now();
    const writes = await sendChanges(options.send, agentIds, rate, seconds, (k) => (sentAt[k] = now()));
    const figures = posted("figures");
    viewers.postMessage("drain");
    const { type: _, ...delivered } = await figures;
    return { writes, ...delivered, refused, seconds: (performance.now() - started) / 1000 };
  } finally {
    await viewers.terminate();
  }
}
