// The PBX client's overhead over raw undici: the same agent command (`pause` of a logged-in agent,
// always `0: OK ...`) against the same simulator, with the same pool settings, in alternating rounds.
import { Pool } from "undici";
import { AGENT_COMMAND_PATH, createPbxClient, DEFAULT_CONNECTIONS } from "@crystal-console/crystal";
import { startPbxSim } from "@crystal-console/pbx-sim";
import { fmt, measure, type LatencySummary } from "./stats.ts";

// Rounds of 1000 calls (about 50 ms each): long enough that one GC pause or a neighbour's burst moves
// a round's figure little, and the median of 20 alternating rounds drops the rounds that it did move.
// The warm-up lets both sides reach optimized code before anything is measured.
const WARMUP = 2000;
const COUNT = 20000;
const ROUNDS = 20;
const CONCURRENCIES = [1, 8];
const AGENT_ID = "201";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** The median of each figure over the rounds. */
function combine(rounds: LatencySummary[]): LatencySummary {
  return {
    count: rounds.reduce((sum, round) => sum + round.count, 0),
    perSecond: median(rounds.map((round) => round.perSecond)),
    p50: median(rounds.map((round) => round.p50)),
    p99: median(rounds.map((round) => round.p99)),
  };
}

export async function run(): Promise<void> {
  const sim = await startPbxSim();
  const client = createPbxClient({ baseUrl: sim.url, secure: sim.secure });
  const raw = new Pool(sim.url, {
    connections: DEFAULT_CONNECTIONS,
    pipelining: 1,
    connect: { timeout: 3000 },
    headersTimeout: 5000,
    bodyTimeout: 5000,
  });
  const rawPath = `${AGENT_COMMAND_PATH}?action=pause&agid=${AGENT_ID}`;

  try {
    await client.newQueue({ queueId: "2000", name: "Bench" });
    await client.newAgent({ agentId: AGENT_ID, password: "bench", name: "Bench Agent", outQueueId: "2000" });
    const login = await client.login({ agentId: AGENT_ID, extension: "501" });
    if (login.kind !== "ok") throw new Error(`Bench setup: login answered ${login.kind}`);

    const viaClient = async () => {
      const outcome = await client.pause({ agentId: AGENT_ID });
      if (outcome.kind !== "ok") throw new Error(`pause answered ${outcome.kind}`);
    };
    // The baseline any real caller of undici must pay: `request` on the same Pool, then the body read
    // as text. The client instead dispatches with its own handler (no response stream), so it may
    // come out slightly faster than this baseline while still building, validating and parsing.
    const viaRaw = async () => {
      const { statusCode, body } = await raw.request({ path: rawPath, method: "GET" });
      const text = await body.text();
      if (statusCode !== 200 || !text.startsWith("0:")) throw new Error(`raw pause answered ${text}`);
    };

    const rows: string[][] = [];
    for (const concurrency of CONCURRENCIES) {
      await measure(WARMUP, concurrency, viaRaw);
      await measure(WARMUP, concurrency, viaClient);
      const clientRounds: LatencySummary[] = [];
      const rawRounds: LatencySummary[] = [];
      const perRound = Math.ceil(COUNT / ROUNDS);
      for (let round = 0; round < ROUNDS; round++) {
        // Alternate which side goes first, so neither always runs on a warmer process.
        if (round % 2 === 0) {
          rawRounds.push(await measure(perRound, concurrency, viaRaw));
          clientRounds.push(await measure(perRound, concurrency, viaClient));
        } else {
          clientRounds.push(await measure(perRound, concurrency, viaClient));
          rawRounds.push(await measure(perRound, concurrency, viaRaw));
        }
      }
      const c = combine(clientRounds);
      const r = combine(rawRounds);
      rows.push(
        [`c=${concurrency}`, "raw undici", fmt(r.perSecond, 0), fmt(r.p50, 3), fmt(r.p99, 3), ""],
        [`c=${concurrency}`, "pbx client", fmt(c.perSecond, 0), fmt(c.p50, 3), fmt(c.p99, 3), ""],
        [
          `c=${concurrency}`,
          "client/raw",
          fmt(c.perSecond / r.perSecond, 3),
          fmt(c.p50 / r.p50, 3),
          fmt(c.p99 / r.p99, 3),
          // The aim is the client's cost: at most 10 % fewer calls/s than raw undici (faster is fine).
          c.perSecond / r.perSecond >= 0.9 ? "within 10%" : "OUTSIDE 10%",
        ],
      );
    }

    console.log(
      `pause of a logged-in agent, ${COUNT} calls per side after ${WARMUP} warm-up, ${ROUNDS} alternating rounds (medians), pool of ${DEFAULT_CONNECTIONS}, keep-alive, pipelining 1`,
    );
    const header = ["conc", "side", "calls/s", "p50 ms", "p99 ms", ""];
    const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => (row[i] ?? "").length)));
    for (const row of [header, ...rows]) {
      console.log(row.map((cell, i) => cell.padStart(widths[i] ?? 0)).join("  "));
    }
  } finally {
    await client.close();
    await raw.close();
    await sim.close();
  }
}
