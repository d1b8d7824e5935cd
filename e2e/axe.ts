// axe with the WCAG 2.1 A/AA rules: no serious or critical violation. Shared by the specs that check pages.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect } from "./fixtures.ts";

/** Checks the page, or only the open dialog (the rest of the page is inert behind it). */
export async function expectAccessible(page: Page, what: string, only?: "dialog") {
  let builder = new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]);
  if (only) builder = builder.include("dialog[open]");
  const results = await builder.analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map(
      (violation) =>
        `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(" ")).join(", ")})`,
    );
  expect(serious, `${what}: serious or critical axe violations`).toEqual([]);
}
