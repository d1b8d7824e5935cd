// The console in Hebrew, right to left, as a Hebrew-speaking supervisor, agent and admin use it: the
// language chosen on the sign-in page or in the header (kept on the server, so it follows the person to
// another browser), every page and dialog in Hebrew with no English left but names, ids and the PBX's own
// words, mirrored layout, drag-and-drop whose arrow keys move the way they point, and axe on each page.
import type { Agent, ConsoleUser, Queue } from "@crystal-console/api";
import type { Page } from "@playwright/test";
import { expectAccessible } from "./axe.ts";
import { defined, dragTo, expect, test, uniqueExtension, uniqueNumber, type AdminApi } from "./fixtures.ts";
import { expectAllHebrew } from "./visible-text.ts";

test.describe.configure({ timeout: 120_000 });

/** What may stay in Latin letters: everyone's names, the product's name, English's own name, file formats. */
async function namesAndIds(adminApi: AdminApi): Promise<string[]> {
  const [agents, queues, users] = await Promise.all([
    adminApi.context.get("/api/agents").then(async (r) => ((await r.json()) as { agents: Agent[] }).agents),
    adminApi.context.get("/api/queues").then(async (r) => ((await r.json()) as { queues: Queue[] }).queues),
    adminApi.context
      .get("/api/users")
      .then(async (r) => ((await r.json()) as { users: ConsoleUser[] }).users),
  ]);
  return [
    "Crystal Console",
    "English",
    "CSV",
    "UTF-8",
    "Excel",
    "Enter",
    "Escape",
    "text/csv",
    "agent_pass",
    ...agents.map((agent) => agent.name),
    ...queues.map((queue) => queue.name),
    ...users.map((user) => user.username),
    // The console's own actors in the audit log (the demo's seeding, a migration), recorded as ids.
    "system:demo",
    "system:migration",
  ];
}

async function boardRowHe(page: Page, agent: { id: string }) {
  await page.getByRole("searchbox", { name: "חיפוש" }).fill(agent.id);
  const row = page.getByRole("row").filter({ has: page.getByRole("cell", { name: agent.id, exact: true }) });
  await expect(row).toHaveCount(1);
  return row;
}

test("a Hebrew-speaking supervisor chooses Hebrew at sign-in and works the board in it", async ({
  page,
  adminApi,
  sim,
  browser,
}) => {
  const supervisor = await adminApi.createSupervisor();
  const queue = await adminApi.createQueue(`שירות ${uniqueNumber()}`);
  const agent = await adminApi.createAgent({ name: `רבקה Levi ${uniqueNumber()}` });

  // The browser speaks English (en-US): the sign-in page starts in English; the person picks Hebrew.
  await page.goto("/sign-in");
  await expect(page.locator("html")).toHaveAttribute("dir", "ltr");
  await page.getByLabel("Language").selectOption("he");
  await expect(page.getByRole("button", { name: "כניסה" })).toBeVisible();
  await expectAllHebrew(page, "sign-in", () => ["Crystal Console", "English"]);
  await page.getByRole("button", { name: "כניסה" }).click();
  await expect(page.getByText("יש להזין שם משתמש או מספר נציג.")).toBeVisible();
  await expectAccessible(page, "sign-in in Hebrew");
  await page.getByLabel("שם משתמש או מספר נציג").fill(supervisor.username);
  await page.getByLabel("סיסמה").fill(supervisor.password);
  await page.getByRole("button", { name: "כניסה" }).click();

  await expect(page.getByRole("heading", { name: /נציגים/ })).toBeVisible();
  await expect(page).toHaveTitle("לוח · Crystal Console");
  const allowed = () => namesAndIds(adminApi);
  await expectAllHebrew(page, "board", allowed);
  await expectAccessible(page, "board in Hebrew");

  // Mirrored: the queues are to the left of the agents, and rows read from the right.
  const grid = defined(
    await page.getByRole("table", { name: "נציגים" }).boundingBox(),
    "the agents table's box",
  );
  const queues = defined(
    await page.getByRole("heading", { name: /^תורים/ }).boundingBox(),
    "the queues' box",
  );
  expect(queues.x).toBeLessThan(grid.x);

  // A state change with its dialog, in Hebrew.
  const row = await boardRowHe(page, agent);
  await row.getByRole("button", { name: "כניסה לעמדה" }).click();
  const login = page.getByRole("dialog", { name: `כניסה לעמדה: ${agent.name}` });
  await login.getByLabel("שלוחה").fill("12ab");
  await login.getByRole("button", { name: "כניסה לעמדה" }).click();
  await expect(login.getByText("שלוחה חייבת להיות 1 עד 10 ספרות")).toBeVisible();
  await expectAllHebrew(page, "log-in dialog", allowed);
  await expectAccessible(page, "log-in dialog in Hebrew", "dialog");
  const extension = uniqueExtension();
  await login.getByLabel("שלוחה").fill(extension);
  await login.getByRole("button", { name: "כניסה לעמדה" }).click();
  await expect(login).toBeHidden();
  await expect(row).toContainText("זמין");
  await expect(row.getByRole("cell", { name: extension, exact: true })).toBeVisible();
  await row.getByRole("button", { name: "הפסקה" }).click();
  const pause = page.getByRole("dialog", { name: `הפסקה: ${agent.name}` });
  await pause.getByRole("radio", { name: "ארוחת צהריים" }).check();
  await expectAllHebrew(page, "pause dialog", allowed);
  await pause.getByRole("button", { name: "הפסקה" }).click();
  await expect(row).toContainText("בהפסקה");
  await expect(row).toContainText("ארוחת צהריים");
  await expect.poll(async () => (await sim.agent(agent.id)).login?.state).toBe("paused");

  // Drag-and-drop assignment with the pointer.
  const card = page.getByRole("article", { name: queue.name });
  await dragTo(page, row.getByRole("button", { name: `גרירת ${agent.name}` }), card);
  await expect(card).toContainText("נציג אחד");
  await expect.poll(async () => (await sim.agent(agent.id)).queueIds).toContain(queue.id);

  // With the keyboard, right to left: the left arrow goes on to the first queue (the queues are on the left).
  const handle = row.getByRole("button", { name: `גרירת ${agent.name}` });
  const firstQueue = (await page.getByRole("article").first().getByRole("heading").textContent()) ?? "";
  const liveRegion = page.locator('[id^="DndLiveRegion"]');
  await handle.focus();
  await page.keyboard.press("Space");
  await expect(liveRegion).toContainText(`הנציג ${agent.name} הורם.`);
  await page.keyboard.press("ArrowLeft");
  await expect(liveRegion).toContainText(`מעל התור ${firstQueue}.`);
  await page.keyboard.press("Escape");
  await expect(liveRegion).toContainText("בוטלה");

  await adminApi.setState(agent.id, { action: "logoff" });

  // The language follows the person to another browser (an English one).
  const elsewhere = await browser.newContext({ locale: "en-US", baseURL: page.url() });
  const other = await elsewhere.newPage();
  await other.goto("/sign-in");
  await expect(other.locator("html")).toHaveAttribute("lang", "en");
  await other.getByLabel("Username or agent id").fill(supervisor.username);
  await other.getByLabel("Password").fill(supervisor.password);
  await other.getByRole("button", { name: "Sign in" }).click();
  // This browser loads the board's code and the Hebrew catalog cold, on a machine running the whole suite.
  await expect(other.getByRole("heading", { name: /נציגים/ })).toBeVisible({ timeout: 15_000 });
  await expect(other.locator("html")).toHaveAttribute("dir", "rtl");
  await elsewhere.close();
});

test("switching language in the header changes every word at once, without a reload", async ({
  page,
  signIn,
}) => {
  await signIn("supervisor");
  await page.goto("/board");
  await expect(page.getByRole("heading", { name: /Agents/ })).toBeVisible();
  await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

  await page.getByRole("combobox", { name: "Language" }).selectOption("he");
  await expect(page.getByRole("heading", { name: /נציגים/ })).toBeVisible();
  await expect(
    page.getByRole("navigation", { name: "ניווט ראשי" }).getByRole("link", { name: "לוח", exact: true }),
  ).toBeVisible();
  await expect(page.getByRole("status", { name: "עדכונים חיים: מחובר" })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);

  await page.getByRole("combobox", { name: "שפה" }).selectOption("en");
  await expect(page.getByRole("heading", { name: /Agents/ })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("dir", "ltr");
  expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
});

test("an agent whose phone speaks Hebrew does its day on its own page", async ({
  browser,
  adminApi,
  sim,
  baseURL,
}) => {
  const context = await browser.newContext({
    locale: "he-IL",
    viewport: { width: 390, height: 844 },
    baseURL,
  });
  const page = await context.newPage();
  const agent = await adminApi.createAgent({ name: `דנה Cohen ${uniqueNumber()}` });

  // No language stored, a Hebrew browser: Hebrew from the first page.
  await page.goto("/sign-in");
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await page.getByLabel("שם משתמש או מספר נציג").fill(agent.id);
  await page.getByLabel("סיסמה").fill(agent.password);
  await page.getByRole("button", { name: "כניסה" }).click();

  const myState = page.getByRole("status", { name: "המצב שלך" });
  await expect(myState).toContainText("מנותק");
  await expect(page.getByRole("heading", { name: agent.name })).toBeVisible();
  const allowed = () => namesAndIds(adminApi);
  await expectAllHebrew(page, "agent page, logged off", allowed);
  await expectAccessible(page, "agent page in Hebrew");

  const extension = uniqueExtension();
  await page.getByLabel("שלוחה").fill(extension);
  await page.getByRole("button", { name: "כניסה לעמדה" }).click();
  await expect(myState).toContainText("זמין");
  await expect(myState).toContainText(`בשלוחה ${extension}`);
  await expect(myState).toContainText(/כבר \d+ שנ׳, מאז/);

  await page.getByRole("button", { name: "הפסקה" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("radio", { name: "הדרכה" }).check();
  await expectAllHebrew(page, "pause dialog on a phone", allowed);
  await dialog.getByRole("button", { name: "הפסקה" }).click();
  await expect(myState).toContainText("בהפסקה");
  await expect(myState).toContainText("סיבה: הדרכה");
  await expect.poll(async () => (await sim.agent(agent.id)).login?.state).toBe("paused");
  await expectAllHebrew(page, "agent page, paused", allowed);
  await expectAccessible(page, "agent page paused in Hebrew");

  await page.getByRole("button", { name: "זמין" }).click();
  await expect(myState).toContainText("זמין");
  await page.getByRole("button", { name: "ניתוק" }).click();
  await expect(myState).toContainText("מנותק");
  await expect.poll(async () => (await sim.agent(agent.id)).login).toBeNull();
  await context.close();
});

test("a Hebrew-speaking admin's pages, dialogs and validation are all in Hebrew", async ({
  page,
  adminApi,
}) => {
  const username = `admin-he-${uniqueNumber()}`;
  const password = "admin-he-password-1";
  const created = await adminApi.context.post("/api/users", { data: { username, role: "admin", password } });
  expect(created.ok()).toBe(true);
  const signedIn = await page.request.post("/api/session", {
    data: { username, password },
    headers: { "X-Requested-With": "crystal-console" },
  });
  expect(signedIn.ok()).toBe(true);
  const chosen = await page.request.put("/api/session/language", {
    data: { language: "he" },
    headers: { "X-Requested-With": "crystal-console" },
  });
  expect(chosen.ok()).toBe(true);
  const allowed = () => namesAndIds(adminApi);

  const pages: [string, RegExp | string][] = [
    ["/admin/agents", "נציגים"],
    ["/admin/queues", "תורים"],
    ["/admin/users", "משתמשי המסוף"],
    ["/admin/import", "ייבוא"],
    ["/audit", "יומן פעולות"],
  ];
  for (const [path, heading] of pages) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    await expectAllHebrew(page, path, async () => [
      ...(await allowed()),
      "agent_id",
      "agent_name",
      "agent_out_q",
      "queues",
      "queue_id",
      "queue_name",
    ]);
    await expectAccessible(page, `${path} in Hebrew`);
  }

  // A dialog and the client's validation, in Hebrew.
  await page.goto("/admin/agents");
  await page.getByRole("button", { name: "נציג חדש" }).click();
  const create = page.getByRole("dialog", { name: "נציג חדש" });
  await create.getByRole("button", { name: "יצירת נציג" }).click();
  await expect(create.getByText("חובה למלא המספר")).toBeVisible();
  await create.getByLabel("מספר נציג").fill("12ab");
  await create.getByRole("button", { name: "יצירת נציג" }).click();
  await expect(create.getByText("המספר חייב להיות 1 עד 10 ספרות")).toBeVisible();
  await expectAllHebrew(page, "new agent dialog", allowed);
  await expectAccessible(page, "new agent dialog in Hebrew", "dialog");

  // A server-only reason (a queue id already in use) comes back as a code, worded in Hebrew.
  const queue = await adminApi.createQueue();
  await page.goto("/admin/queues");
  await page.getByLabel("מספר תור").fill(queue.id);
  await page.getByLabel("שם התור").fill("כפול");
  await page.getByRole("button", { name: "יצירת תור" }).click();
  await expect(page.getByText("המספר כבר בשימוש")).toBeVisible();
  await expect(page.getByText("זה מתנגש במצב הנוכחי של המרכזייה.")).toBeVisible();
  await expectAllHebrew(page, "queue refused", allowed);
});
