// The audit page: what was done, by whom, to which agent, and what the PBX answered; filters and paging.
import { formatDateTime } from "../apps/web/src/i18n/format.ts";
import { defined, expect, test, uniqueExtension } from "./fixtures.ts";

test("the audit page filters by agent and by person, and pages backwards", async ({
  page,
  signIn,
  adminApi,
}) => {
  const supervisor = await signIn("supervisor");
  const agent = await adminApi.createAgent();
  await adminApi.setState(agent.id, { action: "login", extension: uniqueExtension() });
  await adminApi.setState(agent.id, { action: "mission" });
  await adminApi.setState(agent.id, { action: "logoff" });

  await page.goto("/audit");
  const table = page.getByRole("table", { name: /Audit entries/ });
  await expect(table.getByRole("row").nth(1)).toBeVisible();

  const filters = page.getByRole("form", { name: "Audit filters" });
  await filters.getByLabel("Agent id").fill(agent.id);
  await filters.getByRole("button", { name: "Apply filters" }).click();
  // The unfiltered page already shows this agent's four entries at the top, so wait until the filter
  // has applied (the header row and exactly these four) before looking at any one of them.
  await expect(table.getByRole("row")).toHaveCount(5);
  // new_agent, login, mission, logoff
  await expect(table.getByRole("row").filter({ hasText: agent.id })).toHaveCount(4);
  await expect(table.getByRole("row").filter({ hasText: "mission" })).toContainText("admin");

  await filters.getByLabel("Person").fill(supervisor.username);
  await filters.getByRole("button", { name: "Apply filters" }).click();
  await expect(table.getByRole("row").filter({ hasText: "No entries match." })).toBeVisible();

  await filters.getByLabel("Agent id").fill("abc");
  await filters.getByRole("button", { name: "Apply filters" }).click();
  await expect(filters.getByText("Agent id must be 1 to 10 digits")).toBeVisible();

  // Page 1 shows from the cache at once and is fetched again (the table is busy meanwhile); other tests
  // keep adding entries, so page 2 is checked by time: none of its entries is newer than page 1's last.
  await filters.getByRole("button", { name: "Clear filters" }).click();
  await expect(table).toHaveAttribute("aria-busy", "false");
  await expect(table.getByRole("row")).toHaveCount(51);
  const times = () =>
    table.locator("tbody time").evaluateAll((all) => all.map((t) => t.getAttribute("datetime") ?? ""));
  const pageOne = await times();
  await page.getByRole("button", { name: "Older" }).click();
  await expect(page.getByText("Page 2")).toBeVisible();
  await expect(table).toHaveAttribute("aria-busy", "false");
  const pageTwo = await times();
  expect(pageTwo.length).toBeGreaterThan(0);
  expect(
    defined(pageTwo[0], "page two's first time") <= defined(pageOne.at(-1), "page one's last time"),
  ).toBe(true);
  await page.getByRole("button", { name: "Newer" }).click();
  await expect(page.getByText("Page 1")).toBeVisible();
});

test.describe("in a browser far from the call centre", () => {
  test.use({ timezoneId: "Pacific/Kiritimati" });

  test("every time shows in the call centre's time zone, not the browser's", async ({
    page,
    signIn,
    adminApi,
  }) => {
    await signIn("supervisor");
    const agent = await adminApi.createAgent();
    const { timeZone } = (await (await page.request.get("/api/session")).json()) as { timeZone: string };
    expect(timeZone).not.toBe("Pacific/Kiritimati");

    await page.goto("/audit");
    const filters = page.getByRole("form", { name: "Audit filters" });
    await filters.getByLabel("Agent id").fill(agent.id);
    await filters.getByRole("button", { name: "Apply filters" }).click();
    const time = page
      .getByRole("table", { name: /Audit entries/ })
      .getByRole("row")
      .nth(1)
      .locator("time");
    await expect(time).toHaveCount(1);
    await expect(page.getByRole("table", { name: /Audit entries/ }).getByRole("row")).toHaveCount(2);
    const at = defined(await time.getAttribute("datetime"), "the entry's time");
    // The same instant written in either zone, by the SPA's own formatter (spaces alike: ICU's may differ).
    const lang = await page.evaluate(() => document.documentElement.lang);
    const inZone = (zone: string) => formatDateTime(at, lang, zone).replace(/\s/g, " ");
    const browsers = inZone("Pacific/Kiritimati");
    const callCentres = inZone(timeZone);
    expect(callCentres).not.toBe(browsers);
    expect((await time.innerText()).replace(/\s/g, " ")).toBe(callCentres);
  });
});
