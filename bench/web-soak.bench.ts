// The board all shift long (10,000 agents, 50 changes/s, heap, listeners, DOM nodes, long tasks): see e2e/web-soak.ts.
export { run } from "../e2e/web-soak.ts";
