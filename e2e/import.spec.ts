// Bulk onboarding from CSV: an admin uploads a file, reviews the plan (error rows highlighted, Apply held
// back until they are fixed), applies it, watches the progress reach 100 %, reads the per-row results and
// downloads the report; then an export of the agents, imported as is, plans nothing but "unchanged".
import { readFile } from "node:fs/promises";
import type { Locator, Page } from "@playwright/test";
import { expectAccessible } from "./axe.ts";
import { expect, test } from "./fixtures.ts";

// Imports of a few rows are quick, but the PBX calls share the machine with the other specs.
test.describe.configure({ timeout: 60_000 });

const BOM = "\uFEFF";

/** Ids no other test uses: a time stamp (the console is shared by the whole run), 10 digits. */
function ids() {
  const stamp = String(Date.now()).slice(-7);
  return {
    queue: (n: number) => `81${stamp}${n}`,
    agent: (n: number) => `82${stamp}${n}`,
  };
}

function csvFile(name: string, lines: string[], { bom = false, crlf = false } = {}) {
  const text = (bom ? BOM : "") + lines.join(crlf ? "\r\n" : "\n") + (crlf ? "\r\n" : "\n");
  return { name, mimeType: "text/csv", buffer: Buffer.from(text, "utf8") };
}

/** Chooses the file, previews it, and waits for the plan to show. */
async function previewFile(page: Page, file: ReturnType<typeof csvFile>): Promise<Locator> {
  await page.getByLabel("CSV file").setInputFiles(file);
  await page.getByRole("button", { name: "Preview" }).click();
  const plan = page.getByRole("table", { name: "Import plan" });
  await expect(plan).toBeVisible();
  return plan;
}

function planRow(table: Locator, id: string): Locator {
  return table.getByRole("row").filter({ has: table.page().getByRole("cell", { name: id, exact: true }) });
}

/** Applies the plan shown and waits for the job to end, its bar at 100 %. */
async function applyAndFinish(page: Page): Promise<Locator> {
  await page.getByRole("button", { name: "Apply" }).click();
  const progress = page.getByRole("progressbar", { name: "Import progress" });
  await expect(progress).toBeVisible();
  await expect(progress).toHaveAttribute("aria-valuenow", "100", { timeout: 20_000 });
  await expect(page.getByRole("status").filter({ hasText: "The import finished" })).toBeVisible();
  const results = page.getByRole("table", { name: "Import results" });
  await expect(results).toBeVisible();
  return results;
}

test("an admin imports queues, then agents with an error row fixed, and downloads the report", async ({
  page,
  signIn,
  sim,
}) => {
  await signIn("admin");
  const id = ids();
  const [q1, q2] = [id.queue(1), id.queue(2)];
  const [a1, a2, a3, a4] = [id.agent(1), id.agent(2), id.agent(3), id.agent(4)];

  await page.goto("/board");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Import" }).click();
  await expect(page.getByRole("heading", { name: "Import", level: 1 })).toBeVisible();

  // Queues first: the agents' rows name them.
  await page.getByRole("radio", { name: "Queues" }).check();
  let plan = await previewFile(
    page,
    csvFile("queues.csv", ["queue_id,queue_name", `${q1},Sales ${q1}`, `${q2},"Support, Tier 2"`]),
  );
  await expect(page.getByRole("status", { name: "Plan summary" })).toContainText("2 rows of queues");
  await expect(page.getByRole("status", { name: "Plan summary" })).toContainText("2 to create");
  await expect(planRow(plan, q2)).toContainText("Support, Tier 2");
  await expect(planRow(plan, q2)).toContainText("create");
  let results = await applyAndFinish(page);
  await expect(results.getByRole("row").filter({ hasText: "done" })).toHaveCount(2);
  await expect
    .poll(async () => (await sim.state()).queues.find((queue) => queue.id === q2)?.name)
    .toBe("Support, Tier 2");

  // Agents, as a spreadsheet saves them (BOM, CRLF, quotes), with one malformed id.
  await page.getByRole("button", { name: "New import" }).click();
  await page.getByRole("radio", { name: "Agents" }).check();
  const header = "agent_id,agent_name,agent_pass,agent_out_q,queues";
  const good = [
    `${a1},דנה כהן,pw-${a1},${q1},${q1};${q2}`,
    `${a2},"Smith, John",pw-${a2},${q1},${q2}`,
    `${a3},"Pat ""The Voice"" O'Brien",pw-${a3},${q2},`,
  ];
  plan = await previewFile(
    page,
    csvFile("agents.csv", [header, ...good, `12ab,Broken Row,pw-x,${q1},${q1}`], { bom: true, crlf: true }),
  );
  const summary = page.getByRole("status", { name: "Plan summary" });
  await expect(summary).toContainText("3 to create");
  await expect(summary).toContainText("1 with errors");
  const broken = planRow(plan, "12ab");
  await expect(broken).toHaveClass(/bg-red-50/);
  await expect(broken).toContainText("error");
  await expect(broken).toContainText("agent_id");
  await expect(broken.getByRole("cell").first()).toHaveText("5");
  await expect(planRow(plan, a1)).toContainText("דנה כהן");
  await expect(planRow(plan, a2)).toContainText("Smith, John");
  await expect(planRow(plan, a3)).toContainText(`Pat "The Voice" O'Brien`);
  await expect(planRow(plan, a1)).not.toHaveClass(/bg-red-50/);
  await expect(page.getByRole("button", { name: "Apply" })).toBeDisabled();
  await expect(page.getByText("1 row has errors.")).toBeVisible();

  // Fixed: the plan has no error left, and Apply is offered.
  plan = await previewFile(
    page,
    csvFile("agents-fixed.csv", [header, ...good, `${a4},Broken Row,pw-${a4},${q1},${q1}`], {
      bom: true,
      crlf: true,
    }),
  );
  await expect(summary).toContainText("4 to create");
  await expect(summary).toContainText("0 with errors");
  await expect(plan.locator("tr.bg-red-50")).toHaveCount(0);
  await expect(planRow(plan, a4)).toContainText("create");
  await expect(page.getByRole("button", { name: "Apply" })).toBeEnabled();

  results = await applyAndFinish(page);
  for (const agentId of [a1, a2, a3, a4]) await expect(planRow(results, agentId)).toContainText("done");
  await expect(page.getByLabel("Results summary")).toContainText("4 done");
  const sa1 = await sim.agent(a1);
  expect(sa1.active).toBe(true);
  expect(sa1.queueIds.sort()).toEqual([q1, q2].sort());

  // The report: every row with its result.
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download report" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^import-agents-.*\.csv$/);
  const report = await readFile(await download.path(), "utf8");
  const lines = report
    .replace(/^\uFEFF/, "")
    .trim()
    .split(/\r?\n/);
  expect(lines[0]).toMatch(/^line,id,name,plan,result,/);
  expect(lines).toHaveLength(5);
  expect(report).toContain(`${a1},דנה כהן,create,done`);
  expect(report).toContain(`${a2},"Smith, John",create,done`);
  expect(report).toContain(`${a4},Broken Row,create,done`);
  expect(report).not.toContain(`pw-${a1}`);
});

test("an export of the agents, imported as is, plans nothing but unchanged", async ({
  page,
  signIn,
  adminApi,
}) => {
  await signIn("admin");
  const queue = await adminApi.createQueue();
  const agent = await adminApi.createAgent({ name: "שירה, לוי", outQueueId: queue.id });
  await adminApi.assign(queue.id, agent.id);
  await page.goto("/admin/import");
  await expect(page.getByRole("link", { name: "Export agents (CSV)" })).toHaveAttribute(
    "href",
    "/api/export/agents.csv",
  );
  await page.getByRole("radio", { name: "Agents" }).check();

  // Other specs change their own agents while this one runs: an agent changed between the export and the
  // preview plans an update, so take the export again until the two agree (the file's own rows must).
  const summary = page.getByRole("status", { name: "Plan summary" });
  await expect(async () => {
    const response = await page.request.get("/api/export/agents.csv");
    expect(response.ok()).toBe(true);
    expect(response.headers()["content-type"]).toContain("text/csv");
    const exported = await response.body();
    expect(exported.toString("utf8")).toContain(`${agent.id},"שירה, לוי",,${queue.id},${queue.id}`);
    await previewFile(page, { name: "agents.csv", mimeType: "text/csv", buffer: Buffer.from(exported) });
    const total = Number(/(\d+) rows of agents/.exec((await summary.textContent()) ?? "")?.[1]);
    expect(total).toBeGreaterThan(1);
    await expect(summary).toContainText(`${total} unchanged`, { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  for (const kind of ["to create", "to update", "to adopt"]) await expect(summary).not.toContainText(kind);
  await expect(summary).toContainText("0 with errors");
  const plan = page.getByRole("table", { name: "Import plan" });
  await expect(planRow(plan, agent.id)).toContainText("unchanged");
  await expect(plan.locator("tbody tr:not([data-plan=unchanged])")).toHaveCount(0);
});

test("a file the server cannot read or take is refused with the reason", async ({ page, signIn }) => {
  await signIn("admin");
  await page.goto("/admin/import");
  await page.getByRole("radio", { name: "Agents" }).check();

  // A queues file offered as agents: the header names the problem.
  await page.getByLabel("CSV file").setInputFiles(csvFile("queues.csv", ["queue_id,queue_name", "1,Sales"]));
  await page.getByRole("button", { name: "Preview" }).click();
  const refusal = page.getByRole("alert").filter({ hasText: "The file could not be planned." });
  await expect(refusal).toContainText('Header row: Line 1 (the header) has unknown columns "queue_id"');
  await expect(page.getByRole("table", { name: "Import plan" })).toHaveCount(0);

  // More than the server takes (5 MB): 413, said as a sentence with what to do.
  const big = `agent_id,agent_name\n${"1,x\n".repeat(1_400_000)}`;
  await page
    .getByLabel("CSV file")
    .setInputFiles({ name: "big.csv", mimeType: "text/csv", buffer: Buffer.from(big) });
  await expect(refusal).toHaveCount(0);
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(refusal).toContainText("CSV files are limited to");
  await expect(refusal).toContainText("Split the file into smaller files");

  // Nothing chosen: said at once, without asking the server.
  await page.getByRole("button", { name: "Remove file" }).click();
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(
    page.getByRole("alert").filter({ hasText: "Choose a CSV file or paste its text first." }),
  ).toBeVisible();
});

// axe over the import page (in this file, whose project runs one import at a time: the console runs one
// import at a time and answers 409 to a second).
test("the import page, its plan with an error row, and its results", async ({ page, signIn }) => {
  await signIn("admin");
  const stamp = String(Date.now()).slice(-7);
  await page.goto("/admin/import");
  await expect(page.getByRole("heading", { name: "Import", level: 1 })).toBeVisible();
  await expectAccessible(page, "import page");

  await page.getByRole("radio", { name: "Queues" }).check();
  await page
    .getByLabel("Or paste CSV text")
    .fill(["queue_id,queue_name", `86${stamp}1,Axe queue`, "12ab,Bad id"].join("\n"));
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByRole("table", { name: "Import plan" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Apply" })).toBeDisabled();
  await expectAccessible(page, "import plan with an error row");

  await page.getByLabel("Skip error rows").check();
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByRole("table", { name: "Import results" })).toBeVisible({ timeout: 20_000 });
  await expectAccessible(page, "import results");
});
