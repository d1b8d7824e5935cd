// State history and reports in the browser: an agent's timeline from its row on the board, and the reports
// page's totals, charts and the day's timeline for a day scripted through the API (in real time: a few
// seconds of each state).
import { agentTimeResponseSchema, routeUrl } from "@crystal-console/api";
import { expectAccessible } from "./axe.ts";
import type { Locator } from "@playwright/test";
import { CSRF, boardRow, expect, test, uniqueExtension } from "./fixtures.ts";

// axe over the board takes seconds on a busy machine.
test.describe.configure({ timeout: 90_000 });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("a supervisor opens an agent's timeline from the board, and its day on the reports page", async ({
  page,
  signIn,
  adminApi,
}) => {
  await signIn("supervisor");
  const queue = await adminApi.createQueue();
  const agent = await adminApi.createAgent({ outQueueId: queue.id });
  await adminApi.assign(queue.id, agent.id);
  await adminApi.setState(agent.id, { action: "login", extension: uniqueExtension() });
  await sleep(1100);
  await adminApi.setState(agent.id, { action: "pause", reason: "Break" });
  await sleep(2100);
  await adminApi.setState(agent.id, { action: "online" });
  await adminApi.setState(agent.id, { action: "mission" });
  await sleep(1100);
  await adminApi.setState(agent.id, { action: "logoff" });

  await page.goto("/board");
  const row = await boardRow(page, agent);
  await row.getByRole("button", { name: `Timeline of ${agent.name}` }).click();
  const dialog = page.getByRole("dialog", { name: `Today for ${agent.name}` });
  await expect(dialog.getByRole("img", { name: "States since midnight, earliest first" })).toBeVisible();
  const intervals = dialog.getByRole("table", { name: "State intervals, newest first" });
  // logged off, online, paused (Break), online, mission, logged off: newest first, plus the header row.
  await expect(intervals.getByRole("row")).toHaveCount(7);
  await expect(intervals.getByRole("row").nth(1)).toContainText("Logged off");
  await expect(intervals.getByRole("row").filter({ hasText: "Break" })).toContainText("Paused");
  await expectAccessible(page, "timeline dialog", "dialog");
  await dialog.getByRole("button", { name: "Close" }).click();

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Reports" }).click();
  await expect(page.getByRole("heading", { name: "Reports" })).toBeVisible();
  const range = page.getByRole("form", { name: "Report range" });
  await range.getByLabel("Queue").selectOption(queue.id);
  await range.getByRole("button", { name: "Show report" }).click();
  const today = await range.getByLabel("From day").inputValue();
  const table = page.getByRole("table", { name: "Time per state for each agent" });
  await expect(table.getByRole("row")).toHaveCount(2);
  const agentRow = table.getByRole("row").filter({ hasText: agent.name });
  await expect(agentRow.getByRole("cell").nth(5)).toContainText(/1 pause, [^,]+ in all/);
  await expect(agentRow.getByRole("cell").first()).toHaveText(/[1-9]/);
  // The same day from the API: about four seconds logged in, two of them paused for a Break.
  const reply = await page.request.get(
    routeUrl("GET /reports/agent-time", { query: { from: today, to: today, queueId: queue.id } }),
  );
  const [totals] = agentTimeResponseSchema.parse(await reply.json()).agents;
  expect(totals?.loggedInSeconds).toBeGreaterThanOrEqual(4);
  expect(totals?.loggedInSeconds).toBeLessThanOrEqual(7);
  expect(totals?.pauses).toEqual([expect.objectContaining({ reason: "Break", count: 1 })]);
  expect(totals?.pausedSeconds).toBeGreaterThanOrEqual(2);
  await expect(page.getByRole("term").filter({ hasText: "Agents" })).toBeVisible();
  await expect(page.getByRole("definition").first()).toHaveText("1");
  for (const chart of ["Time per state, agents with the most logged-in time", "Pause time per reason"]) {
    const figure = page.getByRole("figure", { name: chart });
    await expect(figure.getByRole("application")).toBeVisible();
    await expect(figure.locator(".recharts-bar-rectangle").first()).toBeVisible();
  }
  // A pause of two seconds: the value axis reads in whole, distinct steps (it repeated "1s" and "2s" before).
  const reasonAxis = page
    .getByRole("figure", { name: "Pause time per reason" })
    .locator(".recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value");
  await expect(reasonAxis.first()).toHaveText("0s");
  const reasonTicks = await reasonAxis.allTextContents();
  expect(reasonTicks.length).toBeGreaterThanOrEqual(2);
  expect(new Set(reasonTicks).size).toBe(reasonTicks.length);
  // No time was unconfirmed: its card says so, like the others (it showed nothing for zero before).
  const unconfirmedCard = page
    .locator("dl > div")
    .filter({ has: page.getByRole("term").getByText("Unconfirmed", { exact: true }) });
  await expect(unconfirmedCard.getByRole("definition")).toHaveText("0s");
  await expectAccessible(page, "reports page");
  await expect(page.getByRole("link", { name: "Download CSV", exact: true })).toHaveAttribute(
    "href",
    new RegExp(
      `/api/reports/agent-time\\.csv\\?from=\\d{4}-\\d{2}-\\d{2}&to=\\d{4}-\\d{2}-\\d{2}&queueId=${queue.id}`,
    ),
  );
  // The same day once more, per day: today's row, its day's length, and the per-day CSV.
  const days = page.getByRole("table", { name: "Time per state on each day of the range" });
  const todayRow = days.getByRole("row").filter({ hasText: today });
  await expect(todayRow).toHaveCount(1);
  await expect(todayRow.getByRole("cell").first()).toHaveText(/^2[345]$/);
  await expect(page.getByRole("link", { name: "Download CSV per day" })).toHaveAttribute(
    "href",
    new RegExp(`/api/reports/agent-time\\.csv\\?.*by=day`),
  );
});

/** The bar segments of an agent's row in the day's timeline, in the order they are drawn (oldest first). */
async function segmentBoxes(bar: Locator) {
  const segments = bar.locator("[data-status]");
  const boxes = [];
  for (let i = 0; i < (await segments.count()); i += 1) {
    const box = await segments.nth(i).boundingBox();
    boxes.push({
      status: await segments.nth(i).getAttribute("data-status"),
      x: box?.x ?? 0,
      width: box?.width ?? 0,
    });
  }
  return boxes;
}

test("the day's timeline shows each agent's states where the script put them, as bars and as a table", async ({
  page,
  signIn,
  adminApi,
  sim,
}) => {
  await signIn("supervisor");
  const queue = await adminApi.createQueue();
  const dana = await adminApi.createAgent({ outQueueId: queue.id, name: `Dana ${queue.id}` });
  const omer = await adminApi.createAgent({ outQueueId: queue.id, name: `Omer ${queue.id}` });
  for (const agent of [dana, omer]) await adminApi.assign(queue.id, agent.id);
  // Dana: online 1 s, a 2 s Break, online 1 s, logged off; Omer: on a mission while Dana is back online.
  await adminApi.setState(dana.id, { action: "login", extension: uniqueExtension() });
  await sleep(1000);
  await adminApi.setState(dana.id, { action: "pause", reason: "Break" });
  await sleep(2000);
  await adminApi.setState(dana.id, { action: "online" });
  await adminApi.setState(omer.id, { action: "login", extension: uniqueExtension() });
  await adminApi.setState(omer.id, { action: "mission" });
  await sleep(1000);
  await adminApi.setState(dana.id, { action: "logoff" });
  await adminApi.setState(omer.id, { action: "logoff" });
  // Omer logs in on the phone; the console learns it only from the PBX's answer 5 to a login it sends.
  await sim.phone({ agentId: omer.id, action: "login", extension: uniqueExtension() });
  const learned = await adminApi.context.post(`/api/agents/${omer.id}/state`, {
    data: { action: "login", extension: uniqueExtension() },
  });
  expect(learned.status()).toBe(409);
  await adminApi.setState(omer.id, { action: "logoff" });

  await page.goto("/reports");
  const range = page.getByRole("form", { name: "Report range" });
  await range.getByLabel("Queue").selectOption(queue.id);
  await range.getByRole("button", { name: "Show report" }).click();
  const timeline = page.getByRole("region", { name: "A day's timeline" });
  const danaBar = timeline.getByRole("img", { name: `States of ${dana.name} over the day, earliest first` });
  const omerBar = timeline.getByRole("img", { name: `States of ${omer.name} over the day, earliest first` });
  await expect(danaBar).toBeVisible();
  await expect(omerBar).toBeVisible();
  await expect(timeline).toContainText(/Times in \S+\./);

  // Dana's bar, left to right: logged off, online, the Break (labelled), online, logged off.
  const dana1 = await segmentBoxes(danaBar);
  expect(dana1.map((s) => s.status)).toEqual(["logged_off", "online", "paused", "online", "logged_off"]);
  const [, firstOnline, pause, secondOnline] = dana1;
  expect(pause?.x).toBeGreaterThan(firstOnline?.x ?? Infinity);
  expect(secondOnline?.x).toBeGreaterThan(pause?.x ?? Infinity);
  // Two seconds paused against one online: twice as wide, give or take the API's round trips.
  expect((pause?.width ?? 0) / (firstOnline?.width ?? 1)).toBeGreaterThan(1.3);
  expect((pause?.width ?? 0) / (firstOnline?.width ?? 1)).toBeLessThan(3);
  await expect(danaBar.locator('[data-status="paused"]')).toHaveText("Break");
  await expect(danaBar.locator('[data-status="paused"]')).toHaveAttribute("title", /^Paused \(Break\), /);
  // Omer's mission sits under Dana's second stretch online, after her Break.
  const omerMission = (await segmentBoxes(omerBar)).find((s) => s.status === "mission");
  expect(omerMission?.x).toBeGreaterThanOrEqual((pause?.x ?? 0) + (pause?.width ?? 0) - 2);
  await expectAccessible(page, "reports page with the timeline");

  // The same as a table, from the keyboard.
  const tableView = timeline.getByRole("button", { name: "Table view" });
  await tableView.focus();
  await page.keyboard.press("Enter");
  await expect(tableView).toHaveAttribute("aria-pressed", "true");
  const table = timeline.getByRole("table", { name: /^Each agent's states on \d{4}-\d{2}-\d{2}$/ });
  const danaRows = table.getByRole("row").filter({ hasText: dana.name });
  await expect(danaRows).toHaveCount(5);
  await expect(danaRows.nth(1)).toContainText("Online");
  await expect(danaRows.nth(2)).toContainText("Paused (Break)");
  await expect(danaRows.nth(2).getByRole("cell").last()).toHaveText(/^[23] ?s$/);
  await expect(danaRows.nth(4)).toContainText("Logged off");
  await expect(
    table.getByRole("row").filter({ hasText: omer.name }).filter({ hasText: "Mission" }),
  ).toHaveCount(1);
  // What the answer revealed is marked as learned late: the end of his time logged off and the start of the
  // login, not the times the console saw happen.
  const omerRows = table.getByRole("row").filter({ hasText: omer.name });
  const late = (row: number, cell: number) =>
    omerRows
      .nth(row)
      .getByRole("cell")
      .nth(cell)
      .getByTitle(/^Learned late/);
  const statuses = await omerRows.evaluateAll((rows) => rows.map((row) => row.textContent ?? ""));
  const revealed = statuses.findIndex((text) => /Online.*unconfirmed/.test(text));
  expect(revealed).toBeGreaterThan(0);
  await expect(late(revealed, 0)).toHaveText("(late)");
  await expect(late(revealed - 1, 1)).toHaveText("(late)");
  await expect(late(revealed - 1, 0)).toHaveCount(0);
  await expect(late(revealed + 1, 0)).toHaveCount(0);

  // In Hebrew the day runs right to left: the Break is to the left of the first stretch online.
  const language = await page.request.put("/api/session/language", {
    data: { language: "he" },
    headers: CSRF,
  });
  expect(language.ok()).toBe(true);
  await page.reload();
  const heRange = page.getByRole("form");
  await heRange.locator("select[name=queueId]").selectOption(queue.id);
  await heRange.locator("button[type=submit]").click();
  const heBar = page.locator(`[data-agent-id="${dana.id}"]`);
  await expect(heBar.locator("[data-status]")).toHaveCount(5);
  const [, heOnline, hePause] = await segmentBoxes(heBar);
  expect(hePause?.x).toBeLessThan(heOnline?.x ?? -Infinity);
});
