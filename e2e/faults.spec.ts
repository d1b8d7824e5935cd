// When the PBX refuses or fails, the person sees why (with the PBX's own words when it gave any), and
// nothing changes: not the registry, not the PBX, not the screen.
import { boardRow, dragTo, expect, stateCell, test, uniqueExtension } from "./fixtures.ts";

test("a PBX storage failure on a new queue shows the PBX's message and creates nothing", async ({
  page,
  signIn,
  sim,
}) => {
  await signIn("admin");
  const queueId = `93${String(Date.now()).slice(-7)}`;
  await page.goto("/admin/queues");
  await sim.injectFault({ kind: "storageFailure", actions: ["new_queue"], count: 1 });
  await page.getByLabel("Queue id").fill(queueId);
  await page.getByLabel("Queue name").fill("Doomed queue");
  await page.getByRole("button", { name: "Create queue" }).click();

  const toast = page.getByRole("alert", { name: "Errors" });
  await expect(toast).toContainText("queue not created");
  await expect(page.getByRole("main").getByRole("alert")).toContainText("PBX answered: queue not created");
  await expect(page.getByRole("row").filter({ hasText: queueId })).toHaveCount(0);
  expect((await sim.state()).queues.some((queue) => queue.id === queueId)).toBe(false);
  const listed = (await (await page.request.get("/api/queues")).json()) as { queues: { id: string }[] };
  expect(listed.queues.some((queue) => queue.id === queueId)).toBe(false);
});

test("an HTTP 500 from the PBX on an assignment is shown and rolled back", async ({
  page,
  signIn,
  adminApi,
  sim,
}) => {
  await signIn("supervisor");
  const queue = await adminApi.createQueue();
  const agent = await adminApi.createAgent();
  await page.goto("/board");
  const row = await boardRow(page, agent);
  await sim.injectFault({ kind: "http500", actions: ["assign_agent"], count: 1 });
  const card = page.getByRole("article", { name: queue.name });
  await dragTo(page, row.getByRole("button", { name: `Drag ${agent.name}` }), card);

  await expect(page.getByRole("alert", { name: "Errors" })).toContainText("Not assigned");
  await expect(card).toContainText("0 agents");
  await expect(row.getByRole("cell").filter({ hasText: queue.name })).toHaveCount(0);
  expect((await sim.agent(agent.id)).queueIds).toEqual([]);
  expect((await adminApi.agent(agent.id)).queueIds).toEqual([]);
});

test("a PBX refusal of a state change shows the PBX's message and changes nothing", async ({
  page,
  signIn,
  adminApi,
  sim,
}) => {
  await signIn("supervisor");
  const agent = await adminApi.createAgent();
  await page.goto("/board");
  const row = await boardRow(page, agent);
  await row.getByRole("button", { name: "Log in" }).click();
  const dialog = page.getByRole("dialog");
  // 99 is not an extension of this PBX: it answers "2: no such extension".
  await dialog.getByLabel("Extension").fill("99");
  await dialog.getByRole("button", { name: "Log in" }).click();
  await expect(dialog).toContainText("no such extension");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(stateCell(row)).toContainText("Logged off");
  expect((await sim.agent(agent.id)).login).toBeNull();
});

test("a connection reset shows the PBX banner and an unconfirmed state until the console settles it", async ({
  page,
  signIn,
  adminApi,
  sim,
}) => {
  await signIn("supervisor");
  const agent = await adminApi.createAgent();
  await adminApi.setState(agent.id, { action: "login", extension: uniqueExtension() });
  await page.goto("/board");
  const row = await boardRow(page, agent);
  await sim.injectFault({ kind: "reset", actions: ["mission"], count: 1 });
  await row.getByRole("button", { name: "Mission", exact: true }).click();
  await expect(page.getByRole("alert", { name: "Errors" })).not.toBeEmpty();
  await expect(stateCell(row)).toContainText("unconfirmed");
  const banner = page.getByRole("alert").filter({ hasText: "The PBX cannot be reached." });
  await expect(banner).toBeVisible();
  // The console's follow-up settles it (PBX_SETTLE_DELAY_MS, 3 s by default), and the PBX is back.
  await expect(stateCell(row)).not.toContainText("unconfirmed", { timeout: 10_000 });
  await expect(stateCell(row)).toContainText("Mission");
  await expect(banner).toBeHidden();
  expect((await sim.agent(agent.id)).login?.state).toBe("mission");
});
