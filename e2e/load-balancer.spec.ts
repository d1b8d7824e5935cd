// Through a real load balancer (HAProxy running deploy/haproxy.cfg) in front of two consoles on one
// PostgreSQL and one PBX (e2e/load-balancer.ts starts them): two browsers pinned to different consoles see
// each other's changes live; when one console is SIGKILLed, its browser reconnects through the balancer to
// the other, and the board keeps working there.
import type { Browser, BrowserContext, Page } from "@playwright/test";
import {
  CSRF,
  type Person,
  adminPassword,
  test as base,
  boardRow,
  expect,
  stateCell,
  uniqueExtension,
  watchConsole,
} from "./fixtures.ts";
import { type Fleet, type InstanceName, PIN_COOKIE, SERVED_BY, startFleet } from "./load-balancer.ts";

// A fleet per test: the test kills one of its consoles.
const test = base.extend<{ fleet: Fleet }>({
  fleet: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a function needs from this pattern
    async ({}, use) => {
      const fleet = await startFleet(adminPassword());
      await use(fleet);
      await fleet.stop();
    },
    { timeout: 120_000 },
  ],
  simTarget: async ({ fleet }, use) => {
    await use({ url: fleet.sim.url, controlToken: fleet.sim.controlToken });
  },
  baseURL: async ({ fleet }, use) => {
    await use(fleet.url);
  },
});

const BROKEN_STREAM = "console: Failed to load resource: net::ERR_INCOMPLETE_CHUNKED_ENCODING";

type Board = { context: BrowserContext; page: Page; errors: string[] };

/** Which console answered this browser, by the balancer's header and by the console's own health. */
async function servedBy(page: Page): Promise<{ name: string | undefined; instance: unknown }> {
  const response = await page.request.get("/api/health");
  expect(response.status()).toBe(200);
  const health = (await response.json()) as { instance?: unknown };
  return { name: response.headers()[SERVED_BY], instance: health.instance };
}

/** The instance id of a console names its process (`<host>-<pid>-<random>`, src/instance.ts). */
function instanceOf(fleet: Fleet, name: InstanceName) {
  return expect.stringMatching(new RegExp(`-${fleet.consoles[name].pid}-[0-9a-f]+$`));
}

/** A browser whose balancer cookie pins it to console `name`, signed in as `person`, on the board. */
async function boardOn(browser: Browser, fleet: Fleet, name: InstanceName, person: Person): Promise<Board> {
  const context = await browser.newContext({ baseURL: fleet.url, viewport: { width: 1366, height: 768 } });
  await context.addCookies([{ name: PIN_COOKIE, value: name, url: fleet.url }]);
  const page = await context.newPage();
  const errors: string[] = [];
  watchConsole(page, errors);
  const signedIn = await page.request.post("/api/session", {
    data: { username: person.username, password: person.password },
    headers: CSRF,
  });
  expect(signedIn.status()).toBe(200);
  expect(signedIn.headers()[SERVED_BY]).toBe(name);
  await page.goto("/board");
  await expect(page.getByRole("status", { name: "Live updates: Live" })).toBeVisible();
  expect(await servedBy(page)).toEqual({ name, instance: instanceOf(fleet, name) });
  return { context, page, errors };
}

test("two browsers on two consoles see each other's changes live; one carries on when its console is killed", async ({
  browser,
  fleet,
  adminApi,
  sim,
}) => {
  test.setTimeout(120_000);
  const queue = await adminApi.createQueue();
  const agent = await adminApi.createAgent({ outQueueId: queue.id });
  const supervisor = await adminApi.createSupervisor();
  const onA = await boardOn(browser, fleet, "a", supervisor);
  const onB = await boardOn(browser, fleet, "b", supervisor);
  const rowA = await boardRow(onA.page, agent);
  const rowB = await boardRow(onB.page, agent);
  const button = (row: typeof rowA, name: string) => row.getByRole("button", { name, exact: true });

  // Logged in through console a: the board console b serves shows it, without a reload.
  const extension = uniqueExtension();
  await button(rowA, "Log in").click();
  const login = onA.page.getByRole("dialog", { name: `Log in ${agent.name}` });
  await login.getByLabel("Extension").fill(extension);
  await login.getByRole("button", { name: "Log in" }).click();
  await expect(stateCell(rowA)).toContainText("Online");
  await expect(stateCell(rowB)).toContainText("Online");
  await expect
    .poll(async () => (await sim.agent(agent.id)).login)
    .toEqual({ agentId: agent.id, extension, state: "online" });

  // On a mission through console b: the board console a serves shows it.
  await button(rowB, "Mission").click();
  await expect(stateCell(rowB)).toContainText("Mission");
  await expect(stateCell(rowA)).toContainText("Mission");
  await expect.poll(async () => (await sim.agent(agent.id)).login?.state).toBe("mission");

  // Console a dies. Its browser's event stream breaks; meanwhile the other browser puts the agent back
  // online through console b.
  await fleet.kill("a");
  await expect(onA.page.getByRole("status", { name: "Live updates: Live" })).toBeHidden();
  await button(rowB, "Online").click();
  await expect(stateCell(rowB)).toContainText("Online");
  await expect.poll(async () => (await sim.agent(agent.id)).login?.state).toBe("online");

  // The first browser reconnects by itself, through the balancer, to console b, and shows the change it
  // missed while it had no stream.
  await expect(onA.page.getByRole("status", { name: "Live updates: Live" })).toBeVisible({ timeout: 20_000 });
  expect(await servedBy(onA.page)).toEqual({ name: "b", instance: instanceOf(fleet, "b") });
  await expect(stateCell(rowA)).toContainText("Online");

  // The same board, now served by b, pauses the agent: both browsers show it and the PBX has it.
  await button(rowA, "Pause").click();
  const pause = onA.page.getByRole("dialog", { name: `Pause ${agent.name}` });
  await pause.getByRole("radio", { name: "Training" }).check();
  await pause.getByRole("button", { name: "Pause" }).click();
  await expect(stateCell(rowA)).toContainText("Training");
  await expect(stateCell(rowB)).toContainText("Training");
  await expect.poll(async () => (await sim.agent(agent.id)).login?.state).toBe("paused");

  await adminApi.setState(agent.id, { action: "logoff" });
  for (const board of [onA, onB]) await board.context.close();
  // The one error a browser may log: its event stream from the console that died ended mid-response.
  expect(onA.errors.filter((error) => error !== BROKEN_STREAM)).toEqual([]);
  expect(onB.errors).toEqual([]);
});
