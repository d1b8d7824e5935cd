// The agent's own page: log in at an extension, pause with a reason, back online; and nothing about any
// other agent, in the browser or from the server.
import { CSRF, defined, expect, test, uniqueExtension } from "./fixtures.ts";

test("an agent logs in at an extension, pauses with a reason and goes online", async ({
  page,
  signIn,
  sim,
}) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const me = await signIn("agent");
  const agentId = defined(me.agentId, "the agent's id");
  const extension = uniqueExtension();
  await page.goto("/me");
  const myState = page.getByRole("status", { name: "Your state" });
  await expect(myState).toContainText("Logged off");

  await page.getByLabel("Extension").fill(extension);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(myState).toContainText("Online");
  await expect(myState).toContainText(`At extension ${extension}`);
  await expect
    .poll(async () => (await sim.agent(agentId)).login)
    .toEqual({ agentId, extension, state: "online" });

  await expect(page.getByRole("button", { name: "Online" })).toBeDisabled();
  await page.getByRole("button", { name: "Pause" }).click();
  const dialog = page.getByRole("dialog", { name: /^Pause/ });
  await dialog.getByRole("radio", { name: "Lunch" }).check();
  await dialog.getByRole("button", { name: "Pause" }).click();
  await expect(myState).toContainText("Paused");
  await expect(myState).toContainText("Reason: Lunch");
  await expect(myState).toContainText(/for \d+s, since/);
  await expect.poll(async () => (await sim.agent(agentId)).login?.state).toBe("paused");

  await page.getByRole("button", { name: "Online" }).click();
  await expect(myState).toContainText("Online");
  await expect.poll(async () => (await sim.agent(agentId)).login?.state).toBe("online");

  await page.getByRole("button", { name: "Log off" }).click();
  await expect(myState).toContainText("Logged off");
  await expect.poll(async () => (await sim.agent(agentId)).login).toBeNull();
});

test("an agent cannot see or act on another agent, and the server refuses it too", async ({
  page,
  signIn,
  adminApi,
}) => {
  const other = await adminApi.createAgent({ name: "Someone Else" });
  const me = await signIn("agent");
  await page.goto("/me");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByText("Someone Else")).toHaveCount(0);
  await expect(
    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Board" }),
  ).toHaveCount(0);

  await page.goto("/board");
  await expect(page).toHaveURL(/\/me$/);
  await page.goto("/admin/agents");
  await expect(page).toHaveURL(/\/me$/);

  const list = await page.request.get("/api/agents");
  expect(list.status()).toBe(200);
  expect(((await list.json()) as { agents: { id: string }[] }).agents.map((agent) => agent.id)).toEqual([
    me.agentId,
  ]);
  expect((await page.request.get(`/api/agents/${other.id}`)).status()).toBe(403);
  const command = await page.request.post(`/api/agents/${other.id}/state`, {
    data: { action: "login", extension: uniqueExtension() },
    headers: CSRF,
  });
  expect(command.status()).toBe(403);
  const assign = await page.request.put(`/api/queues/2000/agents/${me.agentId}`, { headers: CSRF });
  expect(assign.status()).toBe(403);
  expect((await page.request.get("/api/audit")).status()).toBe(403);
  expect((await adminApi.agent(other.id)).status).toBe("logged_off");
});
