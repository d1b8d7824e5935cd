// State history and reports in the browser: an agent's timeline from its row on the board, and the reports
// page's totals and charts for a day scripted through the API (in real time: a few seconds of each state).
import { agentTimeResponseSchema, routeUrl } from "@crystal-console/api";
import { expectAccessible } from "./axe.ts";
import { boardRow, expect, test, uniqueExtension } from "./fixtures.ts";

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
  await expectAccessible(page, "reports page");
  await expect(page.getByRole("link", { name: "Download CSV" })).toHaveAttribute(
    "href",
    new RegExp(
      `/api/reports/agent-time\\.csv\\?from=\\d{4}-\\d{2}-\\d{2}&to=\\d{4}-\\d{2}-\\d{2}&queueId=${queue.id}`,
    ),
  );
});
