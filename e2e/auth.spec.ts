// Signing in as each role, a wrong password, and a session that ends while someone is working.
import { adminPassword, boardRow, CSRF, expect, signInWithForm, test, uniqueExtension } from "./fixtures.ts";

test("an admin signs in and sees every page in the navigation", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in/);
  await signInWithForm(page, "admin", adminPassword());
  await expect(page).toHaveURL(/\/board$/);
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const name of ["Board", "Wallboard", "Audit", "Agents", "Queues", "Users", "Import", "Alert rules"]) {
    await expect(nav.getByRole("link", { name, exact: true })).toBeVisible();
  }
  await expect(page.getByRole("status", { name: "Live updates: Live" })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.goto("/board");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fboard/);
});

test("a supervisor signs in to the board and sees no admin pages", async ({ page, adminApi }) => {
  const supervisor = await adminApi.createSupervisor();
  await page.goto("/sign-in");
  await signInWithForm(page, supervisor.username, supervisor.password);
  await expect(page).toHaveURL(/\/board$/);
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Board", exact: true })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Wallboard", exact: true })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Audit" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Users" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Alert rules" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Import" })).toHaveCount(0);
  await page.goto("/admin/users");
  await expect(page).toHaveURL(/\/board$/);
  expect((await page.request.get("/api/users")).status()).toBe(403);
  await page.goto("/admin/import");
  await expect(page).toHaveURL(/\/board$/);
  expect((await page.request.get("/api/export/agents.csv")).status()).toBe(403);
});

test("an agent signs in with its agent id and lands on its own page", async ({ page, adminApi }) => {
  const agent = await adminApi.createAgent({ name: "Rivka Sign-In" });
  await page.goto("/sign-in");
  await signInWithForm(page, agent.id, agent.password);
  await expect(page).toHaveURL(/\/me$/);
  await expect(page.getByRole("heading", { name: "Rivka Sign-In" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link")).toHaveText(["My state"]);
});

test("a wrong password is refused with a message, and nothing opens", async ({ page }) => {
  await page.goto("/sign-in");
  await signInWithForm(page, "admin", "not-the-password");
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Wrong username, agent id or password.");
  await expect(page).toHaveURL(/\/sign-in$/);
  expect((await page.request.get("/api/session")).status()).toBe(401);
});

test("when the session ends elsewhere, the board leads to sign in at once and back", async ({
  page,
  signIn,
  adminApi,
}) => {
  const supervisor = await signIn("supervisor");
  const agent = await adminApi.createAgent();
  await page.goto("/board?view=mine");
  await boardRow(page, agent);
  const cookies = await page.context().cookies();
  // The session ends elsewhere (here: signed out through the API, as another tab would). The server ends its
  // event stream with it, so the board knows without waiting for the next action.
  expect((await page.request.delete("/api/session", { headers: CSRF })).status()).toBe(204);
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fboard%3Fview%3Dmine$/);
  await expect(page.getByText("Sign in to continue where you were.")).toBeVisible();
  // An action sent with the ended session (as a tab that had not heard would) is refused and changes nothing.
  const stale = await page.request.post(`/api/agents/${agent.id}/state`, {
    headers: { ...CSRF, cookie: cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join("; ") },
    data: { action: "login", extension: uniqueExtension() },
  });
  expect(stale.status()).toBe(401);
  expect((await adminApi.agent(agent.id)).status).toBe("logged_off");
  await signInWithForm(page, supervisor.username, supervisor.password);
  await expect(page).toHaveURL(/\/board\?view=mine$/);
});
