// A preload for `pnpm bench -- import` (the console runs in the bench's process), for measurement only
// (docs/performance.md, "... and the PBX client's connections"): each PBX call's time from undici's request
// to its answer's headers, and how long it waited for a connection; the event loop's delay and the GCs.
// Written at exit to /tmp/import-calls-<pid>.json and /tmp/import-eld-<pid>.json.
//   NODE_OPTIONS="--import $PWD/bench/probes/pbx-calls.mjs" pnpm exec tsx --conditions=@crystal-console/source bench/run.ts import
import dc from "node:diagnostics_channel";
import { writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
const starts = new WeakMap();
const calls = [];
dc.subscribe("undici:request:create", ({ request }) => {
  if (String(request.path).startsWith("/api")) return;
  starts.set(request, performance.now());
});
const sent = new WeakMap();
dc.subscribe("undici:client:sendHeaders", ({ request }) => {
  if (starts.has(request)) sent.set(request, performance.now());
});
dc.subscribe("undici:request:headers", ({ request }) => {
  const t0 = starts.get(request);
  if (t0 !== undefined) calls.push([t0, performance.now() - t0, (sent.get(request) ?? t0) - t0]);
});

process.on("exit", () => {
  if (calls.length > 100) writeFileSync(`/tmp/import-calls-${process.pid}.json`, JSON.stringify(calls));
});
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
const h = monitorEventLoopDelay({ resolution: 1 });
h.enable();
const gcs = [];
new PerformanceObserver((l) => {
  for (const e of l.getEntries()) gcs.push(e.duration);
}).observe({ entryTypes: ["gc"] });
process.on("exit", () => {
  if (calls.length > 100)
    writeFileSync(
      `/tmp/import-eld-${process.pid}.json`,
      JSON.stringify({
        p50: h.percentile(50) / 1e6,
        p90: h.percentile(90) / 1e6,
        p99: h.percentile(99) / 1e6,
        max: h.max / 1e6,
        mean: h.mean / 1e6,
        gcN: gcs.length,
        gcSum: gcs.reduce((a, b) => a + b, 0),
        gcMax: Math.max(...gcs),
      }),
    );
});
