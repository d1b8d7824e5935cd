// The board all shift long, for `pnpm bench -- web` (wired in as bench/web-soak.bench.ts): a board of 10,000
// agents open in Chromium while the call centre makes 50 changes a second for 10 minutes
// (`SOAK_MINUTES=1 pnpm bench -- web-soak` for a shorter try). It prints the page's JS heap after a forced
// garbage collection, its event listeners and its DOM nodes at the start and the end (aim: each within 10 %
// of its start; also read against the first minute, after V8's and React's warm-up), and the long tasks the
// page ran while the changes came (aim: none over 50 ms). SOAK_HEAP_SNAPSHOTS=1 and SOAK_PROFILE=1 look
// inside the page (soak-probes.ts).
import { loadavg } from "node:os";
import { chromium, request as playwrightRequest } from "@playwright/test";
import { fmt } from "../bench/stats.ts";
import {
  boardCaughtUp,
  boardCounts,
  buildCallCentre,
  signInAdmin,
  startLoadConsole,
  startShift,
  type BoardCounts,
} from "./board-load.ts";
import { heapByConstructor, heapGrowth, startCpuProfile, type HeapSummary } from "./soak-probes.ts";

const size = { agents: 10_000, queues: 10, loggedIn: 1000 };
const CHANGES_PER_SECOND = 50;

function soakMinutes(): number {
  const minutes = Number(process.env.SOAK_MINUTES ?? "10");
  if (!(minutes > 0)) throw new Error(`SOAK_MINUTES must be a positive number of minutes, not ${minutes}`);
  return minutes;
}

/** Keeps every long task (over 50 ms, the browser's own threshold) the page runs, from its first script. */
const recordLongTasks = `(() => {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      window.__longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: "longtask", buffered: true });
})()`;

const loadAverage = () =>
  loadavg()
    .map((value) => fmt(value, 2))
    .join(" ");

function growth(what: string, unit: string, start: number, end: number, digits: number): string {
  const ratio = end / start;
  const within = Math.abs(ratio - 1) <= 0.1 ? "met" : "missed";
  return `${what}: ${fmt(start, digits)}${unit} -> ${fmt(end, digits)}${unit}, x${fmt(ratio, 3)} (aim: within 10 %, ${within})`;
}

export async function run(): Promise<void> {
  const minutes = soakMinutes();
  const total = Math.round(minutes * 60 * CHANGES_PER_SECOND);
  const setupStarted = performance.now();
  const load = await startLoadConsole(size.loggedIn);
  const api = await playwrightRequest.newContext();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
  try {
    await signInAdmin(api, load.url);
    await buildCallCentre(api, load.url, size);
    console.log(
      `soak: ${size.agents} agents in ${size.queues} queues, ${size.loggedIn} logged in (set up in ${fmt((performance.now() - setupStarted) / 1000, 0)} s); ${CHANGES_PER_SECOND} changes/s for ${minutes} min (${total} changes); load average ${loadAverage()}`,
    );
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    await context.addInitScript(recordLongTasks);
    const board = await context.newPage();
    await signInAdmin(board.request, load.url);
    const cdp = await context.newCDPSession(board);
    const shift = startShift(api, load.url, size);
    await board.goto(`${load.url}/board`);
    await board.getByRole("status", { name: "Live updates: Live" }).waitFor({ timeout: 60_000 });
    await boardCaughtUp(board, shift);
    // A sample forces a garbage collection in the page, itself a long task: the tasks it overlaps are
    // left out of the count.
    // Asked for: heap snapshots by constructor at the start, after the first minute and at the end, and a
    // CPU profile of the changes (see soak-probes.ts); they slow the page, so a recorded run goes without.
    const snapshots = process.env.SOAK_HEAP_SNAPSHOTS === "1";
    const heaps: { minute: number; summary: HeapSummary }[] = [];
    const samples: { minute: number; counts: BoardCounts }[] = [];
    const sampling: { from: number; to: number }[] = [];
    const pageNow = () => board.evaluate<number>("performance.now()");
    async function sample(minute: number): Promise<BoardCounts> {
      const from = await pageNow();
      const counts = await boardCounts(cdp);
      if (snapshots && minute >= 1 && heaps.length === 1)
        heaps.push({ minute, summary: await heapByConstructor(cdp) });
      sampling.push({ from, to: await pageNow() });
      samples.push({ minute, counts });
      return counts;
    }
    const start = await sample(0);
    if (snapshots) heaps.push({ minute: 0, summary: await heapByConstructor(cdp) });
    const stopProfile = process.env.SOAK_PROFILE === "1" ? await startCpuProfile(cdp) : null;
    await board.evaluate("window.__longTasks = []");

    // Change k starts at k / 50 s from the start, whether or not the ones before it have been answered; a
    // change that falls behind its time (the console was slow) starts at once. The page is sampled every
    // minute (every tenth of a shorter run) as the changes go on.
    const started = performance.now();
    const sampleEveryMs = Math.min(60_000, (minutes * 60_000) / 10);
    const changes: Promise<void>[] = [];
    const pendingSamples: Promise<BoardCounts>[] = [];
    const refused: unknown[] = [];
    let late = 0;
    for (let k = 0; k < total; k++) {
      const due = started + (k * 1000) / CHANGES_PER_SECOND;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      else if (wait < -1000) late += 1;
      if (due - started >= (pendingSamples.length + 1) * sampleEveryMs)
        pendingSamples.push(sample((due - started) / 60_000));
      changes.push(shift.change(k).catch((error: unknown) => void refused.push(error)));
      if (changes.length >= 200) await Promise.all(changes.splice(0, 100));
    }
    await Promise.all([...changes, ...pendingSamples]);
    const profile = await stopProfile?.();
    const sentSeconds = (performance.now() - started) / 1000;
    // The board's expected counts assume every change was made: after a refusal it waits a minute at most.
    if (refused.length > 0)
      console.log(`${refused.length} changes refused or failed, the first: ${String(refused[0])}`);
    await boardCaughtUp(board, shift, refused.length > 0 ? 60_000 : 120_000).catch(() =>
      console.log("the board never showed the expected counts (see the refused changes)"),
    );
    const caughtUpSeconds = (performance.now() - started) / 1000;
    const tasks = await board.evaluate<{ start: number; duration: number }[]>("window.__longTasks");
    const end = await sample((performance.now() - started) / 60_000);
    if (snapshots) heaps.push({ minute: samples.at(-1)?.minute ?? 0, summary: await heapByConstructor(cdp) });
    const longTasks = tasks
      .filter((task) =>
        sampling.every(({ from, to }) => task.start > to || task.start + task.duration < from),
      )
      .map((task) => task.duration)
      .sort((a, b) => a - b);

    console.log(
      `changes sent in ${fmt(sentSeconds, 1)} s (${fmt(total / sentSeconds, 1)}/s; ${late} started over 1 s late), the board caught up at ${fmt(caughtUpSeconds, 1)} s`,
    );
    console.log(
      `samples (minute: heap MB after GC / listeners / DOM nodes): ${samples
        .map(
          ({ minute, counts }) =>
            `${fmt(minute, 1)}: ${fmt(counts.heapMb, 1)} / ${counts.listeners} / ${counts.nodes}`,
        )
        .join(", ")}`,
    );
    console.log(growth("heap after GC", " MB", start.heapMb, end.heapMb, 1));
    // The first minute's step is V8 compiling the live path and React's second fiber of every row, once
    // (docs/performance.md): the heap is also read against its first minute.
    const firstMinute = samples.find(({ minute }) => minute >= 1)?.counts;
    if (firstMinute && firstMinute !== end)
      console.log(growth("heap after GC from minute 1", " MB", firstMinute.heapMb, end.heapMb, 1));
    console.log(growth("event listeners", "", start.listeners, end.listeners, 0));
    console.log(growth("DOM nodes", "", start.nodes, end.nodes, 0));
    const over = (ms: number) => longTasks.filter((duration) => duration > ms).length;
    const inAll = longTasks.reduce((sum, each) => sum + each, 0);
    console.log(
      `long tasks during the changes: ${longTasks.length} over 50 ms (aim: none), ${over(100)} over 100 ms, ${over(200)} over 200 ms, longest ${fmt(longTasks.at(-1) ?? 0, 0)} ms, ${fmt(inAll, 0)} ms in all (${tasks.length - longTasks.length} more during the samples' forced GCs, left out); load average ${loadAverage()}`,
    );
    if (heaps.length > 0)
      heaps.reduce((before, after) => {
        console.log(`minute ${fmt(before.minute, 1)} -> ${fmt(after.minute, 1)}:`);
        console.log(heapGrowth(before.summary, after.summary).join("\n"));
        return after;
      });
    if (profile) console.log(profile.join("\n"));
  } finally {
    await browser.close();
    await api.dispose();
    await load.close();
  }
}
