// The console's overhead on a PBX-backed request, measured the same way by load.bench.ts (console in its own
// process) and console.bench.ts (console in the bench's process).
//
// The same command goes straight to the PBX ("direct") and through the console, one call at a time:
// - Warm-up first (1,000 of each), so both sides run optimized code on a settled heap. The aim is about the
//   steady state, not the first requests after start or after setup.
// - Then the two alternate call by call, and which goes first flips every round. Whatever else happens on
//   the machine (another process, a GC in the simulator) then falls on both alike. With blocks of 300 calls
//   of one kind, a noisy second fell on one block and not the next.
// - p50 and p99 are taken over all samples of each kind together (6 rounds of 500 = 3,000 each). A p99 over
//   300 calls is the third-slowest call, and the median of six such figures still moved by 2 ms between
//   back-to-back runs.
// - The overhead is the difference of the percentiles: console p99 − direct p99 is what a console user waits
//   at p99 beyond what the PBX itself takes at p99 (and the same at p50). The ratio is console / direct at
//   each. The p99 of the per-pair differences (console call minus the direct call next to it) is reported
//   as well: it is larger, because the slow moments of the two rarely coincide, so it mostly subtracts a
//   typical direct call from a slow console call.
// Each round's p99 is returned too, so a reader can see the spread.
import { percentile } from "./stats.ts";

export type OverheadOptions = { warmup?: number; rounds?: number; perRound?: number };

export type Overhead = {
  direct: { p50: number; p99: number };
  console: { p50: number; p99: number };
  overhead: { p50: number; p99: number };
  ratio: { p50: number; p99: number };
  /** p50 and p99 of (console call − the direct call made next to it). */
  pairedDifference: { p50: number; p99: number };
  roundP99: { direct: number[]; console: number[] };
  samples: number;
  /** Console calls per second while only console calls run (sequential: 1 / mean latency). */
  consolePerSecond: number;
};

export async function measureOverhead(
  viaPbx: () => Promise<unknown>,
  viaConsole: () => Promise<unknown>,
  { warmup = 5000, rounds = 6, perRound = 500 }: OverheadOptions = {},
): Promise<Overhead> {
  for (let i = 0; i < warmup; i++) {
    await viaPbx();
    await viaConsole();
  }
  const timed = async (call: () => Promise<unknown>) => {
    const started = performance.now();
    await call();
    return performance.now() - started;
  };
  const direct: number[] = [];
  const through: number[] = [];
  const paired: number[] = [];
  const roundP99 = { direct: [] as number[], console: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    const roundDirect: number[] = [];
    const roundConsole: number[] = [];
    for (let i = 0; i < perRound; i++) {
      let d: number;
      let c: number;
      if (round % 2 === 0) {
        d = await timed(viaPbx);
        c = await timed(viaConsole);
      } else {
        c = await timed(viaConsole);
        d = await timed(viaPbx);
      }
      roundDirect.push(d);
      roundConsole.push(c);
      paired.push(c - d);
    }
    direct.push(...roundDirect);
    through.push(...roundConsole);
    roundP99.direct.push(percentile(roundDirect.sort(byValue), 99));
    roundP99.console.push(percentile(roundConsole.sort(byValue), 99));
  }
  direct.sort(byValue);
  through.sort(byValue);
  paired.sort(byValue);
  const d = { p50: percentile(direct, 50), p99: percentile(direct, 99) };
  const c = { p50: percentile(through, 50), p99: percentile(through, 99) };
  const mean = through.reduce((sum, ms) => sum + ms, 0) / through.length;
  return {
    direct: d,
    console: c,
    overhead: { p50: c.p50 - d.p50, p99: c.p99 - d.p99 },
    ratio: { p50: c.p50 / d.p50, p99: c.p99 / d.p99 },
    pairedDifference: { p50: percentile(paired, 50), p99: percentile(paired, 99) },
    roundP99,
    samples: through.length,
    consolePerSecond: 1000 / mean,
  };
}

const byValue = (a: number, b: number) => a - b;
