// The SPA's figures (initial JS, board render, scroll frames, live paint delay), run in Chromium: see e2e/web-bench.ts.
export { run } from "../e2e/web-bench.ts";
