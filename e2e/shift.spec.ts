// Issue 12 on the board and the wallboard: an overdue pause turns its row red and raises the header's count;
// a bulk pause of a selection, with the summary of what happened to each agent; the wallboard, read-only,
// live, under axe at 1920x1080, fitting 1280x720, and right to left in Hebrew; the admin's policy editor
// (saved, reloaded, bad input refused, audited); the opt-in sound and notification. The alert rules are one
// policy for the whole shared console: these tests take turns in this file, use the reason "Meeting"
// (no other spec pauses with it) and put the policy back as they found it.
import type { Policy } from "@crystal-console/api";
import type { Page } from "@playwright/test";
import { expectAccessible } from "./axe.ts";
import {
  CSRF,
  boardRow,
  consoleUrl,
  expect,
  test,
  uniqueExtension,
  uniqueNumber,
  type AdminApi,
} from "./fixtures.ts";

async function setPolicy(adminApi: AdminApi, policy: Policy): Promise<Policy> {
  const before = (await (await adminApi.context.get("/api/policy")).json()) as { policy: Policy };
  const response = await adminApi.context.put("/api/policy", { data: policy });
  expect(response.ok()).toBe(true);
  return before.policy;
}

/** The number the header's alert count shows ("No alerts" is 0). */
async function headerCount(page: Page): Promise<number> {
  const text = (await page.getByRole("banner").getByRole("link", { name: /alert/i }).textContent()) ?? "";
  const match = /\d+/.exec(text);
  return match ? Number(match[0]) : 0;
}

test("an overdue pause turns its row red and the header count rises, until the agent is back online", async ({
  page,
  signIn,
  adminApi,
}) => {
  const previous = await setPolicy(adminApi, { pauseLimitSeconds: { Meeting: 2 }, queueMinimumOnline: {} });
  try {
    await signIn("supervisor");
    const agent = await adminApi.createAgent();
    await adminApi.setState(agent.id, { action: "login", extension: uniqueExtension() });
    await page.goto("/board");
    const row = await boardRow(page, agent);
    await expect(page.getByRole("banner").getByRole("link", { name: /alert/i })).toBeVisible();
    const before = await headerCount(page);
    await expect(row).not.toHaveAttribute("data-overdue", "true");

    await adminApi.setState(agent.id, { action: "pause", reason: "Meeting" });
    await expect(row).toContainText("Paused");
    await expect(row).toHaveAttribute("data-overdue", "true");
    await expect(row).toContainText("Over 2s");
    await expect(row).toHaveClass(/\bbg-red-100\b/);
    await expect.poll(() => headerCount(page)).toBe(before + 1);

    await adminApi.setState(agent.id, { action: "online" });
    await expect(row).not.toHaveAttribute("data-overdue", "true");
    await expect.poll(() => headerCount(page)).toBe(before);
    await adminApi.setState(agent.id, { action: "logoff" });
  } finally {
    await setPolicy(adminApi, previous);
  }
});

test("a supervisor pauses a selection at once and sees what happened to each, with the PBX's words", async ({
  page,
  signIn,
  adminApi,
  sim,
}) => {
  await signIn("supervisor");
  const team = [await adminApi.createAgent(), await adminApi.createAgent(), await adminApi.createAgent()];
  for (const agent of team)
    await adminApi.setState(agent.id, { action: "login", extension: uniqueExtension() });
  // Logged off: the PBX refuses to pause it.
  const away = await adminApi.createAgent();
  await page.goto("/board");
  for (const agent of [...team, away]) {
    await (await boardRow(page, agent)).getByRole("checkbox", { name: `Select ${agent.name}` }).check();
  }
  const selection = page.getByRole("region", { name: "Selection" });
  await expect(selection).toContainText("4 selected");
  await selection.getByRole("button", { name: "Pause: all 4" }).click();
  const pause = page.getByRole("dialog", { name: "Pause 4 agents" });
  await pause.getByRole("radio", { name: "Lunch" }).check();
  await pause.getByRole("button", { name: "Pause" }).click();

  const summary = page.getByRole("dialog", { name: "What happened" });
  await expect(summary.getByRole("list", { name: "Agents by outcome" })).toContainText("3 changed");
  await expect(summary.getByRole("list", { name: "Agents by outcome" })).toContainText(
    "1 refused by the PBX",
  );
  const refused = summary.getByRole("list", { name: "Agents not changed" }).getByRole("listitem");
  await expect(refused).toHaveCount(1);
  await expect(refused).toContainText(away.name);
  await expect(refused).toContainText(`Agent ${away.id} is already logged off!`);
  await expectAccessible(page, "the bulk summary", "dialog");
  await summary.getByRole("button", { name: "Close" }).click();

  for (const agent of team) {
    await expect.poll(async () => (await sim.agent(agent.id)).login?.state).toBe("paused");
    await expect.poll(async () => (await adminApi.agent(agent.id)).pauseReason).toBe("Lunch");
    await adminApi.setState(agent.id, { action: "logoff" });
  }
});

async function signInViewer(page: Page, adminApi: AdminApi) {
  const username = `viewer-${uniqueNumber()}`;
  const password = "viewer-password-1";
  const created = await adminApi.context.post("/api/users", { data: { username, role: "viewer", password } });
  expect(created.ok()).toBe(true);
  const signedIn = await page.request.post("/api/session", { data: { username, password }, headers: CSRF });
  expect(signedIn.ok()).toBe(true);
}

test("the wallboard at 1920x1080: read-only, live, accessible, and it fits 1280x720", async ({
  page,
  adminApi,
}) => {
  const previous = await setPolicy(adminApi, { pauseLimitSeconds: { Meeting: 1 }, queueMinimumOnline: {} });
  try {
    await page.setViewportSize({ width: 1920, height: 1080 });
    await signInViewer(page, adminApi);
    const agent = await adminApi.createAgent({ name: `Wall ${uniqueNumber()}` });
    await adminApi.setState(agent.id, { action: "login", extension: uniqueExtension() });
    await page.goto("/wallboard");
    await expect(page.getByRole("heading", { name: "Wallboard", level: 1 })).toBeVisible();
    const overdue = page.getByRole("region", { name: /over the pause limit/i });

    // Live: a pause appears without a reload, then passes its limit.
    await adminApi.setState(agent.id, { action: "pause", reason: "Meeting" });
    await expect(page.getByRole("region", { name: "Longest pauses" })).toContainText(agent.name);
    await expect(overdue).toContainText(agent.name);

    // Nothing on it changes anything.
    for (const role of ["button", "link", "textbox", "checkbox", "combobox", "radio"] as const) {
      await expect(page.getByRole(role)).toHaveCount(0);
    }
    await expectAccessible(page, "the wallboard at 1920x1080");

    await page.setViewportSize({ width: 1280, height: 720 });
    const overflow = await page.evaluate(() => ({
      wide: document.documentElement.scrollWidth > window.innerWidth,
      tall: document.documentElement.scrollHeight > window.innerHeight,
    }));
    expect(overflow).toEqual({ wide: false, tall: false });
    await expectAccessible(page, "the wallboard at 1280x720");

    // In Hebrew, right to left.
    await page.request.put("/api/session/language", { data: { language: "he" }, headers: CSRF });
    await page.reload();
    await expect(page.getByRole("heading", { name: "לוח קיר", level: 1 })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
    await expectAccessible(page, "the wallboard in Hebrew");
    await adminApi.setState(agent.id, { action: "logoff" });
  } finally {
    await setPolicy(adminApi, previous);
  }
});

test("a viewer sees the board read-only: no selection, no drag handles, no state buttons, and the server refuses its writes", async ({
  page,
  adminApi,
}) => {
  await signInViewer(page, adminApi);
  const agent = await adminApi.createAgent();
  await page.goto("/board");
  const row = await boardRow(page, agent);
  await expect(row).toContainText(agent.name);
  await expect(page.getByRole("checkbox")).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Drag / })).toHaveCount(0);
  await expect(row.getByRole("button")).toHaveCount(0);
  const refused = await page.request.post(`/api/agents/${agent.id}/state`, {
    data: { action: "login", extension: uniqueExtension() },
    headers: CSRF,
  });
  expect(refused.status()).toBe(403);
});

test("an admin sets a pause limit and a queue minimum, sees them after a reload, and bad input loses nothing", async ({
  page,
  signIn,
  adminApi,
}) => {
  const previous = await setPolicy(adminApi, { pauseLimitSeconds: {}, queueMinimumOnline: {} });
  try {
    const queue = await adminApi.createQueue();
    await signIn("admin");
    await page.goto("/admin/policy");
    await expect(page.getByRole("heading", { name: "Alert rules", level: 1 })).toBeVisible();
    const limitField = page.locator("label").filter({ hasText: /^Meeting/ });
    const minimumField = page.locator("label").filter({ hasText: `#${queue.id}` });
    const limit = limitField.getByRole("textbox");
    const minimum = minimumField.getByRole("textbox");
    await limit.fill("5");
    await minimum.fill("2");
    await page.getByRole("button", { name: "Save the rules" }).click();
    await expect(page.getByText("Alert rules saved.")).toBeVisible();
    const stored = async () =>
      ((await (await adminApi.context.get("/api/policy")).json()) as { policy: Policy }).policy;
    const saved = { Meeting: 300, queue: 2 };
    const expectStored = async () => {
      const policy = await stored();
      expect(policy.pauseLimitSeconds).toEqual({ Meeting: saved.Meeting });
      expect(policy.queueMinimumOnline).toEqual({ [queue.id]: saved.queue });
    };
    await expectStored();

    await page.reload();
    await expect(limit).toHaveValue("5");
    await expect(minimum).toHaveValue("2");

    // Negative, not a number, too large: each box names what it wants, and nothing is sent.
    for (const bad of ["-3", "abc", "1e", "2000"]) {
      await limit.fill(bad);
      await page.getByRole("button", { name: "Save the rules" }).click();
      await expect(limit).toHaveAttribute("aria-invalid", "true");
      await expect(limitField).toContainText("A number of minutes, at most 1,440");
      await expectStored();
    }
    await limit.fill("5");
    for (const bad of ["0", "2.5", "-1", "many"]) {
      await minimum.fill(bad);
      await page.getByRole("button", { name: "Save the rules" }).click();
      await expect(minimum).toHaveAttribute("aria-invalid", "true");
      await expect(minimumField).toContainText("A whole number from 1 to 10,000");
      await expect(limit).toHaveAttribute("aria-invalid", "false");
      await expectStored();
    }
    await page.reload();
    await expect(limit).toHaveValue("5");
    await expect(minimum).toHaveValue("2");

    // The change is in the audit log, with who made it and the rules it set.
    await page.goto("/audit");
    const filters = page.getByRole("form", { name: "Audit filters" });
    await filters.getByLabel("Action").fill("set_policy");
    await filters.getByRole("button", { name: "Apply filters" }).click();
    const table = page.getByRole("table", { name: /Audit entries/ });
    const entry = table.getByRole("row").filter({ hasText: `queueMinimumOnline.${queue.id}=2` });
    await expect(entry).toHaveCount(1);
    await expect(entry).toContainText("set alert rules");
    await expect(entry).toContainText("admin");
    await expect(entry).toContainText("pauseLimitSeconds.Meeting=300");
  } finally {
    await setPolicy(adminApi, previous);
  }
});

/** Records every desktop notification and every sound the page makes (an AudioContext), before any script. */
async function recordAlertsOutput(page: Page) {
  await page.addInitScript(() => {
    const recorded = { notifications: [] as string[], sounds: 0 };
    Object.assign(window, { recorded });
    window.Notification = new Proxy(window.Notification, {
      construct(target, args: [string, NotificationOptions?]) {
        recorded.notifications.push(`${args[0]}: ${args[1]?.body ?? ""}`);
        return Reflect.construct<[string, NotificationOptions?], Notification>(target, args);
      },
    });
    window.AudioContext = new Proxy(window.AudioContext, {
      construct(target, args: [AudioContextOptions?]) {
        recorded.sounds += 1;
        return Reflect.construct<[AudioContextOptions?], AudioContext>(target, args);
      },
    });
  });
}

type Recorded = { notifications: string[]; sounds: number };
const recorded = (page: Page) => page.evaluate(() => (window as unknown as { recorded: Recorded }).recorded);

test.describe("the opt-in alert sound and desktop notification", () => {
  test.use({ permissions: ["notifications"] });

  test("opted in, an overdue pause shows a notification and plays the sound; not opted in, neither", async ({
    page,
    browser,
    signIn,
    adminApi,
  }) => {
    const previous = await setPolicy(adminApi, { pauseLimitSeconds: { Meeting: 1 }, queueMinimumOnline: {} });
    try {
      await recordAlertsOutput(page);
      await signIn("supervisor");
      await page.goto("/board");
      await page.getByText("Alert sound").click();
      await page.getByRole("checkbox", { name: "Play a sound" }).check();
      await page.getByRole("checkbox", { name: "Show a desktop notification" }).check();
      await expect(page.getByRole("checkbox", { name: "Show a desktop notification" })).toBeChecked();

      // A second browser of its own that never opted in, on the board at the same time.
      const otherContext = await browser.newContext({
        baseURL: consoleUrl(),
        permissions: ["notifications"],
      });
      const other = await otherContext.newPage();
      await recordAlertsOutput(other);
      const sup = await adminApi.createSupervisor();
      await other.request.post("/api/session", {
        data: { username: sup.username, password: sup.password },
        headers: CSRF,
      });
      await other.goto("/board");

      const agent = await adminApi.createAgent();
      await adminApi.setState(agent.id, { action: "login", extension: uniqueExtension() });
      const otherRow = await boardRow(other, agent);
      await adminApi.setState(agent.id, { action: "pause", reason: "Meeting" });
      await expect
        .poll(async () => (await recorded(page)).notifications)
        .toContainEqual(expect.stringContaining(agent.name));
      expect((await recorded(page)).notifications[0]).toMatch(/^Crystal Console alert: /);
      expect((await recorded(page)).sounds).toBeGreaterThanOrEqual(1);

      await expect(otherRow).toHaveAttribute("data-overdue", "true");
      expect(await recorded(other)).toEqual({ notifications: [], sounds: 0 });
      await adminApi.setState(agent.id, { action: "logoff" });
      await otherContext.close();
    } finally {
      await setPolicy(adminApi, previous);
    }
  });
});
