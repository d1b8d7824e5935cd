// The supervisor's board: assignment by drag and drop (pointer and keyboard) and by menu, release, and the
// five state buttons; after each change the simulator (the PBX) must agree.
import type { Page } from "@playwright/test";
import { boardRow, dragTo, expect, stateCell, test, uniqueExtension } from "./fixtures.ts";

function queueCard(page: Page, name: string) {
  return page.getByRole("article", { name, exact: true });
}

/** Moves a keyboard drag from drop target to drop target until the announcement names `target`. */
async function keyboardMoveTo(page: Page, target: string) {
  const liveRegion = page.locator('[id^="DndLiveRegion"]');
  for (let step = 0; step < 200; step += 1) {
    const before = (await liveRegion.textContent()) ?? "";
    await page.keyboard.press("ArrowRight");
    // The announcement follows a render: read it once it has changed, or an old one names the last target.
    await expect(liveRegion).not.toHaveText(before);
    const said = (await liveRegion.textContent()) ?? "";
    if (said.includes(`is over ${target}.`)) return;
  }
  throw new Error(`never reached ${target}`);
}

test("a supervisor assigns an agent by dragging it onto a queue, and the PBX agrees", async ({
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
  await dragTo(page, row.getByRole("button", { name: `Drag ${agent.name}` }), queueCard(page, queue.name));

  const members = queueCard(page, queue.name).getByRole("list", { name: `Members of ${queue.name}` });
  await expect(
    members.getByRole("button", { name: `Drag ${agent.name} out of ${queue.name}` }),
  ).toBeVisible();
  await expect(row.getByRole("cell").filter({ hasText: queue.name })).toBeVisible();
  await expect.poll(async () => (await sim.agent(agent.id)).queueIds).toContain(queue.id);
  await expect.poll(async () => (await adminApi.agent(agent.id)).queueIds).toContain(queue.id);
});

test("a supervisor drags a multi-selection onto a queue", async ({ page, signIn, adminApi, sim }) => {
  await signIn("supervisor");
  const queue = await adminApi.createQueue();
  const first = await adminApi.createAgent();
  const second = await adminApi.createAgent();
  await page.goto("/board");
  await (await boardRow(page, first)).getByRole("checkbox", { name: `Select ${first.name}` }).check();
  const secondRow = await boardRow(page, second);
  await secondRow.getByRole("checkbox", { name: `Select ${second.name}` }).check();
  await expect(page.getByRole("region", { name: "Selection" })).toContainText("2 selected");
  await dragTo(
    page,
    secondRow.getByRole("button", { name: "Drag 2 selected agents" }),
    queueCard(page, queue.name),
  );

  await expect(queueCard(page, queue.name)).toContainText("2 agents");
  await expect
    .poll(async () => (await sim.state()).queues.find((each) => each.id === queue.id)?.agentIds)
    .toEqual([first.id, second.id].sort());
});

test("with the keyboard alone, a supervisor assigns (drag and menu) and releases", async ({
  page,
  signIn,
  adminApi,
  sim,
}) => {
  await signIn("supervisor");
  const dragQueue = await adminApi.createQueue();
  const menuQueue = await adminApi.createQueue();
  const agent = await adminApi.createAgent();
  await page.goto("/board");
  const row = await boardRow(page, agent);

  // dnd-kit's keyboard sensor: space picks up, arrows go from queue to queue, space drops.
  await row.getByRole("button", { name: `Drag ${agent.name}` }).focus();
  await page.keyboard.press("Space");
  await keyboardMoveTo(page, `queue ${dragQueue.name}`);
  await page.keyboard.press("Space");
  await expect.poll(async () => (await sim.agent(agent.id)).queueIds).toContain(dragQueue.id);

  // The "Assign" menu, driven by the keyboard.
  await row.getByRole("button", { name: `Assign ${agent.name} to queue` }).focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: `Assign ${agent.name} to a queue` });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: `Assign to ${menuQueue.name}` }).focus();
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  await expect.poll(async () => (await sim.agent(agent.id)).queueIds).toContain(menuQueue.id);

  // Release from the queue's member list with the keyboard.
  await queueCard(page, dragQueue.name)
    .getByRole("button", { name: `Remove ${agent.name} from ${dragQueue.name}` })
    .focus();
  await page.keyboard.press("Enter");
  await expect.poll(async () => (await sim.agent(agent.id)).queueIds).toEqual([menuQueue.id]);
});

test("a supervisor releases an agent with the remove button and by dragging it out", async ({
  page,
  signIn,
  adminApi,
  sim,
}) => {
  await signIn("supervisor");
  const first = await adminApi.createQueue();
  const second = await adminApi.createQueue();
  const agent = await adminApi.createAgent();
  await adminApi.assign(first.id, agent.id);
  await adminApi.assign(second.id, agent.id);
  await page.goto("/board");
  await boardRow(page, agent);

  await queueCard(page, first.name)
    .getByRole("button", { name: `Remove ${agent.name} from ${first.name}` })
    .click();
  await expect(queueCard(page, first.name)).toContainText("0 agents");
  await expect.poll(async () => (await sim.agent(agent.id)).queueIds).toEqual([second.id]);

  await dragTo(
    page,
    queueCard(page, second.name).getByRole("button", { name: `Drag ${agent.name} out of ${second.name}` }),
    page.getByRole("table", { name: "Agents" }),
  );
  await expect(queueCard(page, second.name)).toContainText("0 agents");
  await expect.poll(async () => (await sim.agent(agent.id)).queueIds).toEqual([]);
  await expect.poll(async () => (await adminApi.agent(agent.id)).queueIds).toEqual([]);
});

test("a supervisor changes an agent's state with each button, and the PBX agrees", async ({
  page,
  signIn,
  adminApi,
  sim,
}) => {
  await signIn("supervisor");
  const agent = await adminApi.createAgent();
  const extension = uniqueExtension();
  await page.goto("/board");
  const row = await boardRow(page, agent);
  const button = (name: string) => row.getByRole("button", { name, exact: true });
  const state = stateCell(row);
  const expectEnabled = async (enabled: string[]) => {
    for (const name of ["Log in", "Pause", "Online", "Mission", "Log off"]) {
      if (enabled.includes(name)) await expect(button(name)).toBeEnabled();
      else await expect(button(name)).toBeDisabled();
    }
  };

  await expectEnabled(["Log in"]);
  await button("Log in").click();
  const login = page.getByRole("dialog", { name: `Log in ${agent.name}` });
  await login.getByLabel("Extension").fill(extension);
  await login.getByRole("button", { name: "Log in" }).click();
  await expect(login).toBeHidden();
  await expect(state).toContainText("Online");
  await expect(row.getByRole("cell", { name: extension, exact: true })).toBeVisible();
  await expect
    .poll(async () => (await sim.agent(agent.id)).login)
    .toEqual({
      agentId: agent.id,
      extension,
      state: "online",
    });
  await expectEnabled(["Pause", "Mission", "Log off"]);

  await button("Pause").click();
  const pause = page.getByRole("dialog", { name: `Pause ${agent.name}` });
  await pause.getByRole("radio", { name: "Training" }).check();
  await pause.getByRole("button", { name: "Pause" }).click();
  await expect(state).toContainText("Paused");
  await expect(state).toContainText("Training");
  await expect.poll(async () => (await sim.agent(agent.id)).login?.state).toBe("paused");
  await expect.poll(async () => (await adminApi.agent(agent.id)).pauseReason).toBe("Training");
  await expectEnabled(["Online", "Mission", "Log off"]);

  await button("Mission").click();
  await expect(state).toContainText("Mission");
  await expect.poll(async () => (await sim.agent(agent.id)).login?.state).toBe("mission");
  await expectEnabled(["Online", "Pause", "Log off"]);

  await button("Online").click();
  await expect(state).toContainText("Online");
  await expect.poll(async () => (await sim.agent(agent.id)).login?.state).toBe("online");

  await button("Log off").click();
  await expect(state).toContainText("Logged off");
  await expect.poll(async () => (await sim.agent(agent.id)).login).toBeNull();
  await expectEnabled(["Log in"]);
});
