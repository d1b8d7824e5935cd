// Screenshots for the README: the board at laptop size, the agent's page at phone size, an admin page, the
// wallboard on a TV and the reports page;
// then the board and the agent's page again in Hebrew. The test run writes them to test-results/screenshots
// (git-ignored), so a run leaves the work tree clean; `pnpm screenshots` sets SCREENSHOTS_DIR=docs/screenshots
// to refresh the README's copies.
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "@playwright/test";
import { CSRF, defined, expect, test, uniqueExtension } from "./fixtures.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SHOTS_DIR = resolve(ROOT, process.env.SCREENSHOTS_DIR ?? "test-results/screenshots");
const shots = (name: string) => join(SHOTS_DIR, `${name}.png`);

test("the board at 1366x768", async ({ page, signIn }) => {
  await signIn("supervisor");
  await page.goto("/board");
  await expect(page.getByRole("heading", { name: /Agents/ })).toBeVisible();
  await expect(page.getByRole("row").nth(5)).toBeVisible();
  await page.screenshot({ path: shots("board") });
});

test("the agent's page on a phone", async ({ page, signIn, adminApi }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const agent = await signIn("agent");
  const agentId = defined(agent.agentId, "the agent's id");
  await adminApi.setState(agentId, { action: "login", extension: uniqueExtension() });
  await adminApi.setState(agentId, { action: "pause", reason: "Lunch" });
  await page.goto("/me");
  await expect(page.getByText("Paused", { exact: true })).toBeVisible();
  await page.screenshot({ path: shots("agent"), fullPage: true });
  await adminApi.setState(agentId, { action: "logoff" });
});

test("the admin's agents page", async ({ page, signIn }) => {
  await signIn("admin");
  await page.goto("/admin/agents");
  await expect(page.getByRole("table", { name: "Agents" })).toBeVisible();
  await page.screenshot({ path: shots("admin-agents") });
});

test("the wallboard on a 1920x1080 TV", async ({ page, signIn, adminApi }) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await signIn("supervisor");
  // A few of the demo call centre's agents at work, one of them paused for a while.
  const agent = await adminApi.createAgent({ name: "Dana Levi" });
  await adminApi.setState(agent.id, { action: "login", extension: uniqueExtension() });
  await adminApi.setState(agent.id, { action: "pause", reason: "Lunch" });
  await page.goto("/wallboard");
  await expect(page.getByRole("heading", { name: "Wallboard", level: 1 })).toBeVisible();
  await expect(page.getByRole("region", { name: "Longest pauses" })).toContainText("Dana Levi");
  await page.screenshot({ path: shots("wallboard") });
  await adminApi.setState(agent.id, { action: "logoff" });
});

test("the reports page with a scripted day's totals and timeline", async ({ page, signIn, adminApi }) => {
  // Tall enough for the totals, the charts, the table and the day's timeline (the page scrolls inside).
  await page.setViewportSize({ width: 1366, height: 1280 });
  await signIn("supervisor");
  const queue = await adminApi.createQueue("Sales");
  const team = [];
  for (const name of ["Dana Levi", "Omer Katz", "Noa Peretz"]) {
    const agent = await adminApi.createAgent({ name, outQueueId: queue.id });
    await adminApi.assign(queue.id, agent.id);
    team.push(agent.id);
  }
  const [dana = "", omer = "", noa = ""] = team;
  // A day in seconds: each step is one second after the one before.
  const steps: [string, Record<string, string>][][] = [
    [
      [dana, { action: "login", extension: uniqueExtension() }],
      [omer, { action: "login", extension: uniqueExtension() }],
    ],
    [
      [dana, { action: "pause", reason: "Break" }],
      [noa, { action: "login", extension: uniqueExtension() }],
    ],
    [[omer, { action: "mission" }]],
    [[dana, { action: "online" }]],
    [[noa, { action: "pause", reason: "Lunch" }]],
    [[omer, { action: "online" }]],
    [
      [noa, { action: "online" }],
      [dana, { action: "pause", reason: "Training" }],
    ],
    [[dana, { action: "logoff" }]],
  ];
  for (const step of steps) {
    for (const [agentId, change] of step) await adminApi.setState(agentId, change);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  await page.goto("/reports");
  const range = page.getByRole("form", { name: "Report range" });
  await range.getByLabel("Queue").selectOption(queue.id);
  await range.getByRole("button", { name: "Show report" }).click();
  const timeline = page.getByRole("region", { name: "A day's timeline" });
  await expect(timeline.getByRole("img", { name: /^States of / })).toHaveCount(3);
  await expect(page.getByRole("figure").first().locator(".recharts-bar-rectangle").first()).toBeVisible();
  await page.screenshot({ path: shots("reports"), fullPage: true });
  for (const agentId of [omer, noa]) await adminApi.setState(agentId, { action: "logoff" });
});

/** The signed-in person's language, stored for them (as the header's menu does). */
async function chooseHebrew(page: Page) {
  const response = await page.request.put("/api/session/language", {
    data: { language: "he" },
    headers: CSRF,
  });
  expect(response.ok()).toBe(true);
}

test("the board in Hebrew, right to left", async ({ page, signIn }) => {
  await signIn("supervisor");
  await chooseHebrew(page);
  await page.goto("/board");
  await expect(page.getByRole("heading", { name: /נציגים/ })).toBeVisible();
  await expect(page.getByRole("row").nth(5)).toBeVisible();
  await page.screenshot({ path: shots("board-he") });
});

test("the agent's page in Hebrew on a phone", async ({ page, signIn, adminApi }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const agentId = defined((await signIn("agent")).agentId, "the agent's id");
  await chooseHebrew(page);
  await adminApi.setState(agentId, { action: "login", extension: uniqueExtension() });
  await adminApi.setState(agentId, { action: "pause", reason: "Lunch" });
  await page.goto("/me");
  await expect(page.getByText("בהפסקה", { exact: true })).toBeVisible();
  await page.screenshot({ path: shots("agent-he"), fullPage: true });
  await adminApi.setState(agentId, { action: "logoff" });
});
