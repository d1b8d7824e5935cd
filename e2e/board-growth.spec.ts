// A board left open does not grow: a few hundred live changes on a board of 2,000 agents leave its event
// listeners and DOM nodes where they were, and the page attaches event handlers only to the rows and queue
// chips of the agents that changed (counts, not time; the figures over ten minutes at 10,000 agents are
// `pnpm bench -- web`'s soak).
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures.ts";
import {
  agentName,
  boardCaughtUp,
  boardCounts,
  buildCallCentre,
  signInAdmin,
  startLoadConsole,
  startShift,
  type LoadConsole,
} from "./board-load.ts";

const size = { agents: 2000, queues: 10, loggedIn: 100 };
const CHANGES = 300;
// The most handlers one change of an agent may attach: its row's five state buttons, its Assign button and
// its name (which opens the timeline) render again, and the × of its chip in each of its (at most two) queues.
const ROW_HANDLERS = 7;
const CHIP_HANDLERS = 2;

/**
 * Counts every event handler the page attaches (addEventListener, and the `onclick = noop` React 19 sets on
 * each element whose onClick prop changes: the objects Chromium's listener count is made of), by whose they
 * are: `row:<name>` for an agent's row, `chip:<name>` for its chip in a queue, or the element itself. The
 * owner is read once React has finished its commit (a new element gets its handler before it is placed).
 */
const countAttachedHandlers = `(() => {
  window.__attached = {};
  function owner(element) {
    if (!(element instanceof Element) || !element.isConnected) return "not an element in the page";
    const row = element.closest('[role="row"]');
    if (row) return "row:" + (row.querySelector("bdi[title]")?.title ?? "the column headers");
    const chip = element.closest("li");
    if (chip?.querySelector(":scope > button.cursor-grab"))
      return "chip:" + chip.querySelector("bdi")?.textContent;
    return element.outerHTML.slice(0, 200);
  }
  function attached(element) {
    queueMicrotask(() => {
      const key = owner(element);
      window.__attached[key] = (window.__attached[key] ?? 0) + 1;
    });
  }
  const add = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (...args) {
    attached(this);
    return add.apply(this, args);
  };
  const onclick = Object.getOwnPropertyDescriptor(HTMLElement.prototype, "onclick");
  Object.defineProperty(HTMLElement.prototype, "onclick", {
    ...onclick,
    set(value) {
      attached(this);
      onclick.set.call(this, value);
    },
  });
})()`;

const takeAttached = (board: Page) =>
  board.evaluate(() => {
    const page = window as unknown as { __attached: Record<string, number> };
    const attached = page.__attached;
    page.__attached = {};
    return attached;
  });

let load: LoadConsole;

test.beforeAll(async ({ playwright }, testInfo) => {
  testInfo.setTimeout(240_000);
  load = await startLoadConsole(size.loggedIn);
  const request = await playwright.request.newContext();
  await signInAdmin(request, load.url);
  await buildCallCentre(request, load.url, size);
  await request.dispose();
});

test.afterAll(async () => {
  await load.close();
});

test("live changes on a board of 2,000 agents attach handlers only for the agents that changed, and leave its listeners and DOM nodes where they were", async ({
  page: board,
  playwright,
}) => {
  test.setTimeout(180_000);
  await board.addInitScript(countAttachedHandlers);
  await signInAdmin(board.request, load.url);
  const cdp = await board.context().newCDPSession(board);
  const request = await playwright.request.newContext();
  await signInAdmin(request, load.url);
  const shift = startShift(request, load.url, size);

  await board.goto(`${load.url}/board`);
  await expect(board.getByRole("status", { name: "Live updates: Live" })).toBeVisible({ timeout: 30_000 });
  await boardCaughtUp(board, shift, 30_000);
  const before = await boardCounts(cdp);
  await takeAttached(board);

  for (let k = 0; k < CHANGES; k++) await shift.change(k);
  await boardCaughtUp(board, shift, 60_000);
  const attached = await takeAttached(board);
  const after = await boardCounts(cdp);
  console.log(
    `listeners ${before.listeners} -> ${after.listeners}, nodes ${before.nodes} -> ${after.nodes}, handlers attached ${Object.values(attached).reduce((sum, n) => sum + n, 0)}`,
  );

  // Every handler belongs to the row or a chip of an agent that changed, at most ROW_HANDLERS and
  // CHIP_HANDLERS a change (however the page batched them); before the fix every event re-rendered every draggable on the
  // board, and every queue card's and column header's buttons with them.
  const allowed = new Map<string, number>();
  for (const [index, changes] of shift.changesByAgent) {
    allowed.set(`row:${agentName(index)}`, changes * ROW_HANDLERS);
    allowed.set(`chip:${agentName(index)}`, changes * CHIP_HANDLERS);
  }
  const beyond = Object.entries(attached).filter(([owner, count]) => count > (allowed.get(owner) ?? 0));
  expect(beyond).toEqual([]);
  // The changed agents at the top of the grid and in the queues' first chips were drawn again.
  expect(Object.keys(attached).some((owner) => owner.startsWith("row:"))).toBe(true);
  expect(Object.keys(attached).some((owner) => owner.startsWith("chip:"))).toBe(true);

  expect(after.listeners - before.listeners).toBeLessThanOrEqual(20);
  expect(after.nodes - before.nodes).toBeLessThanOrEqual(100);
  await request.dispose();
});
