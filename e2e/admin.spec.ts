// The admin's pages: queues and agents from creation to deletion, the retired-id warning, the server's
// field errors next to the fields, and console users.
import { expect, test } from "./fixtures.ts";

test("an admin creates a queue and an agent, edits and deletes them, and is warned the id is retired", async ({
  page,
  signIn,
  sim,
}) => {
  await signIn("admin");
  const stamp = String(Date.now()).slice(-7);
  const queueId = `91${stamp}`;
  const agentId = `92${stamp}`;

  // A queue.
  await page.goto("/admin/queues");
  await page.getByLabel("Queue id").fill(queueId);
  await page.getByLabel("Queue name").fill("Night shift");
  await page.getByRole("button", { name: "Create queue" }).click();
  const queueRow = page.getByRole("row").filter({ hasText: queueId });
  await expect(queueRow).toContainText("Night shift");
  await queueRow.getByRole("button", { name: "Rename Night shift" }).click();
  const rename = page.getByRole("dialog", { name: "Rename Night shift" });
  await rename.getByLabel("Queue name").fill("Night shift – East");
  await rename.getByRole("button", { name: "Save" }).click();
  await expect(queueRow).toContainText("Night shift – East");
  await expect
    .poll(async () => (await sim.state()).queues.find((queue) => queue.id === queueId)?.name)
    .toBe("Night shift – East");

  // An agent in it; the client's check first, then the server's.
  await page.goto("/admin/agents");
  await page.getByRole("button", { name: "New agent" }).click();
  const create = page.getByRole("dialog", { name: "New agent" });
  await create.getByLabel("Agent id").fill("12ab");
  await create.getByRole("button", { name: "Create agent" }).click();
  await expect(create.getByText("Agent id must be 1 to 10 digits")).toBeVisible();
  await expect(create.getByText("Name is required").or(create.getByText(/Name must be/))).toBeVisible();
  await create.getByLabel("Agent id").fill("1001");
  await expect(create.getByText("Agent id 1001 is already in use.")).toBeVisible();
  await create.getByLabel("Name").fill("Dana Night");
  await create.getByLabel("Password", { exact: true }).fill("s3cret-pass");
  await create.getByLabel("Out queue").selectOption(queueId);
  await create.getByRole("button", { name: "Create agent" }).click();
  // The server's answer lands next to the id field.
  await expect(create.getByLabel("Agent id")).toHaveAttribute("aria-invalid", "true");
  await create.getByLabel("Agent id").fill(agentId);
  await create.getByRole("button", { name: "Create agent" }).click();
  await expect(create).toBeHidden();

  await page.getByRole("searchbox", { name: "Search agents" }).fill(agentId);
  const agentRow = page.getByRole("row").filter({ hasText: agentId });
  await expect(agentRow).toContainText("Dana Night");
  await expect(agentRow).toContainText("Night shift – East");
  await expect
    .poll(async () => (await sim.state()).agents.find((agent) => agent.id === agentId)?.name)
    .toBe("Dana Night");

  // Edit.
  await agentRow.getByRole("button", { name: "Edit Dana Night" }).click();
  const edit = page.getByRole("dialog", { name: "Edit Dana Night" });
  await edit.getByLabel("Name").fill("Dana Night-Owl");
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(edit).toBeHidden();
  await expect(agentRow).toContainText("Dana Night-Owl");
  await expect
    .poll(async () => (await sim.state()).agents.find((agent) => agent.id === agentId)?.name)
    .toBe("Dana Night-Owl");

  // Delete, with the warning that the id is gone for good.
  await agentRow.getByRole("button", { name: "Delete Dana Night-Owl" }).click();
  const remove = page.getByRole("dialog", { name: "Delete Dana Night-Owl?" });
  await expect(remove).toContainText(`Agent id ${agentId} can never be used again`);
  await remove.getByRole("button", { name: `Delete agent ${agentId}` }).click();
  await expect(remove).toBeHidden();
  await expect(agentRow).toHaveCount(0);
  await expect
    .poll(async () => (await sim.state()).agents.find((agent) => agent.id === agentId)?.active)
    .toBe(false);

  // Creating it again: the form says why not before anything is sent.
  await page.getByRole("button", { name: "New agent" }).click();
  await create.getByLabel("Agent id").fill(agentId);
  await expect(create.getByText(`Agent id ${agentId} belonged to a deleted agent.`)).toBeVisible();
  await expect(create.getByRole("button", { name: "Create agent" })).toBeDisabled();
  await create.getByRole("button", { name: "Cancel" }).click();

  // Delete the queue.
  await page.goto("/admin/queues");
  await queueRow.getByRole("button", { name: "Delete Night shift – East" }).click();
  await page
    .getByRole("dialog")
    .getByRole("button", { name: `Delete queue ${queueId}` })
    .click();
  await expect(queueRow).toHaveCount(0);
  await expect.poll(async () => (await sim.state()).queues.some((queue) => queue.id === queueId)).toBe(false);
});

test("an admin manages console users: create, role, password, disable, delete", async ({
  page,
  signIn,
  browser,
}) => {
  await signIn("admin");
  const username = `lead-${String(Date.now()).slice(-6)}`;
  await page.goto("/admin/users");
  const form = page.getByRole("region", { name: "New user" });
  await form.getByLabel("Username").fill(username);
  await form.getByLabel("Role").selectOption("supervisor");
  await form.getByLabel("Password").fill("short");
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(form.getByText("Password must be at least 12 characters")).toBeVisible();
  await form.getByLabel("Password").fill("a-long-enough-password");
  await form.getByRole("button", { name: "Create user" }).click();
  const row = page.getByRole("row").filter({ hasText: username });
  await expect(row).toContainText("Active");

  await row.getByRole("combobox", { name: `Role of ${username}` }).selectOption("admin");
  await expect(row.getByRole("combobox", { name: `Role of ${username}` })).toHaveValue("admin");

  await row.getByRole("button", { name: `Reset password of ${username}` }).click();
  const reset = page.getByRole("dialog", { name: `Reset the password of ${username}` });
  await reset.getByLabel("New password").fill("another-long-password");
  await reset.getByRole("button", { name: "Reset password" }).click();
  await expect(reset).toBeHidden();

  // The new password works.
  const other = await browser.newContext();
  const signInResult = await other.request.post("/api/session", {
    data: { username, password: "another-long-password" },
    headers: { "X-Requested-With": "crystal-console" },
  });
  expect(signInResult.status()).toBe(200);
  await other.close();

  await row.getByRole("button", { name: `Disable ${username}` }).click();
  await expect(row).toContainText("Disabled");
  await row.getByRole("button", { name: `Enable ${username}` }).click();
  await expect(row).toContainText("Active");

  await row.getByRole("button", { name: `Delete ${username}` }).click();
  await page
    .getByRole("dialog")
    .getByRole("button", { name: `Delete ${username}` })
    .click();
  await expect(row).toHaveCount(0);
});
