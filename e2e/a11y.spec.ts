// axe on every page (and the dialogs that matter): no serious or critical violation. The import page is
// checked in import.spec.ts, whose project runs its imports one at a time.
import { expectAccessible } from "./axe.ts";
import { boardRow, expect, test, uniqueExtension } from "./fixtures.ts";

// axe over the board takes seconds on a busy machine.
test.describe.configure({ timeout: 90_000 });

test("the sign-in page", async ({ page }) => {
  await page.goto("/sign-in");
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await expectAccessible(page, "sign in");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Enter your username or agent id.")).toBeVisible();
  await expectAccessible(page, "sign in with errors");
});

test("the board, its dialogs, and the board on a phone", async ({ page, signIn, adminApi }) => {
  await signIn("supervisor");
  const agent = await adminApi.createAgent();
  await page.goto("/board");
  await expect(page.getByRole("table", { name: "Agents" })).toBeVisible();
  await expectAccessible(page, "board");

  const row = await boardRow(page, agent);
  await row.getByRole("checkbox", { name: `Select ${agent.name}` }).check();
  await row.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await expect(page.getByRole("dialog").getByLabel("Extension")).toBeFocused();
  await expectAccessible(page, "log in dialog", "dialog");
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toBeHidden();

  await row.getByRole("button", { name: `Assign ${agent.name} to queue` }).click();
  await expectAccessible(page, "assign dialog", "dialog");
  await page.keyboard.press("Escape");

  await adminApi.setState(agent.id, { action: "login", extension: uniqueExtension() });
  await row.getByRole("button", { name: "Pause" }).click();
  await expect(page.getByRole("dialog").getByRole("radio").first()).toBeVisible();
  await expectAccessible(page, "pause dialog", "dialog");
  await page.keyboard.press("Escape");
  await adminApi.setState(agent.id, { action: "logoff" });

  await page.setViewportSize({ width: 390, height: 844 });
  await expectAccessible(page, "board on a phone");
});

test("the agent's page", async ({ page, signIn }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn("agent");
  await page.goto("/me");
  await expect(page.getByRole("status", { name: "Your state" })).toBeVisible();
  await expectAccessible(page, "agent page, logged off");
  await page.getByLabel("Extension").fill(uniqueExtension());
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("button", { name: "Pause" })).toBeEnabled();
  await expectAccessible(page, "agent page, online");
  await page.getByRole("button", { name: "Log off" }).click();
  await expect(page.getByRole("status", { name: "Your state" })).toContainText("Logged off");
});

test("the admin pages and the audit page", async ({ page, signIn }) => {
  await signIn("admin");
  await page.goto("/admin/agents");
  await expect(page.getByRole("table", { name: "Agents" })).toBeVisible();
  await expectAccessible(page, "admin agents");
  await page.getByRole("button", { name: "New agent" }).click();
  await expect(page.getByRole("dialog", { name: "New agent" })).toBeVisible();
  await expectAccessible(page, "new agent dialog", "dialog");
  await page.keyboard.press("Escape");

  await page.goto("/admin/queues");
  await expect(page.getByRole("table", { name: "Queues" })).toBeVisible();
  await expectAccessible(page, "admin queues");

  await page.goto("/admin/users");
  await expect(page.getByRole("table", { name: "Console users" })).toBeVisible();
  await expectAccessible(page, "console users");

  await page.goto("/audit");
  await expect(page.getByRole("table", { name: /Audit entries/ })).toBeVisible();
  await expectAccessible(page, "audit");
});
