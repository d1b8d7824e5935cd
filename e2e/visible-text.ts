// What a person reads on the page, for the language specs: every visible text node (screen-reader-only text
// and <option>s included), the attributes people meet (aria-label, title, placeholder, alt) and the tab's
// title. Text inside an element marked lang="en" is the PBX's own answer or the wire's words, shown
// verbatim on purpose, so it is left out.
import type { Page } from "@playwright/test";
import { expect } from "./fixtures.ts";

async function textsShown(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [document.title];
    const verbatim = (element: Element) => element.closest('[lang="en"], script, style') !== null;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || verbatim(parent) || !node.textContent?.trim()) continue;
      const read =
        parent.closest("option, .sr-only") !== null || parent.checkVisibility({ visibilityProperty: true });
      if (read) out.push(node.textContent);
    }
    for (const element of document.body.querySelectorAll("[aria-label], [title], [placeholder], [alt]")) {
      if (verbatim(element)) continue;
      for (const name of ["aria-label", "title", "placeholder", "alt"]) {
        const value = element.getAttribute(name);
        if (value) out.push(value);
      }
    }
    return out;
  });
}

export type Allowed = () => Promise<Iterable<string>> | Iterable<string>;

/**
 * The texts on the page that still have Latin words once the allowed strings are taken out of them (whole
 * names, ids, the product's name: a name's own words are only allowed where the whole name is). The
 * allowed strings are asked for after the page is read, so that a name another test has just created and
 * the page already shows is among them.
 */
export async function englishShown(page: Page, allowed: Allowed): Promise<string[]> {
  const texts = await textsShown(page);
  const strings = [...new Set(await allowed())]
    .filter((text) => /[A-Za-z]/.test(text))
    .sort((a, b) => b.length - a.length);
  const left = new Set<string>();
  for (const text of texts) {
    let rest = text.replace(/[\u2066-\u2069\u200e\u200f]/g, "");
    for (const name of strings) if (rest.includes(name)) rest = rest.replaceAll(name, " ");
    if (/[A-Za-z]/.test(rest)) left.add(text.trim());
  }
  return [...left];
}

/** Fails unless the page is right to left, in Hebrew, with no English left but the allowed strings. */
export async function expectAllHebrew(page: Page, what: string, allowed: Allowed): Promise<void> {
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(page.locator("html")).toHaveAttribute("lang", "he");
  expect(await englishShown(page, allowed), `${what}: English left on the page`).toEqual([]);
}
