// The catalogs are complete and well formed (this runs in `pnpm test`): every catalog has exactly the
// English catalog's keys, every message parses as ICU MessageFormat with the same placeholders as its
// English original, every plural names each plural form its language has, each catalog file is named by a
// language code, and a translated catalog has no English left in it.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { languageSchema } from "@crystal-console/api";
import { compileMessage } from "@lingui/message-utils/compileMessage";
import { describe, expect, it } from "vitest";

const dir = fileURLToPath(new URL("../src/i18n/catalogs/", import.meta.url));
const catalogs = Object.fromEntries(
  readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .map((file) => [
      file.replace(/\.json$/, ""),
      JSON.parse(readFileSync(`${dir}${file}`, "utf8")) as Record<string, string>,
    ]),
);
const english = catalogs.en ?? {};
const others = Object.keys(catalogs).filter((language) => language !== "en");

/** A compiled message: its parts are words and placeholders ([name], or [name, "plural", {form: parts}]). */
type Part = string | [string, string?, Record<string, Part[] | string | undefined>?];

type Found = { names: Set<string>; plurals: string[][]; texts: string[] };

/** The placeholders of a compiled message, the plural forms each plural offers, and its own words. */
function walk(parts: Part[] | string, found: Found) {
  if (typeof parts === "string") {
    found.texts.push(parts);
    return;
  }
  for (const part of parts) {
    if (typeof part === "string") {
      if (part !== "#") found.texts.push(part);
      continue;
    }
    const [name, type, options] = part;
    found.names.add(name);
    if ((type === "plural" || type === "select") && options) {
      // Its forms (plus an `offset`, undefined unless the message sets one).
      const forms = Object.entries(options).flatMap(([form, branch]) =>
        form !== "offset" && branch !== undefined ? [[form, branch] as const] : [],
      );
      if (type === "plural") found.plurals.push(forms.map(([form]) => form));
      for (const [, branch] of forms) walk(branch, found);
    }
  }
}

function analyse(message: string) {
  const compiled = compileMessage(message) as Part[] | string;
  const unparsed = Array.isArray(compiled) && compiled.length === 1 && compiled[0] === message;
  const found: Found = { names: new Set<string>(), plurals: [], texts: [] };
  walk(compiled, found);
  return { parsed: !(unparsed && /[{}]/.test(message)), ...found };
}

describe("message catalogs", () => {
  it("are one file per language, each named by a code a person may choose", () => {
    expect(Object.keys(catalogs)).toContain("en");
    for (const language of Object.keys(catalogs))
      expect(languageSchema.safeParse(language).success).toBe(true);
  });

  it.each(Object.keys(catalogs))("%s has exactly the English catalog's keys", (language) => {
    const keys = Object.keys(catalogs[language] ?? {});
    expect(
      Object.keys(english).filter((key) => !keys.includes(key)),
      "missing",
    ).toEqual([]);
    expect(
      keys.filter((key) => !(key in english)),
      "not in English",
    ).toEqual([]);
  });

  it.each(Object.keys(catalogs))("%s: every message parses, with the English placeholders", (language) => {
    const problems: string[] = [];
    const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories;
    for (const [key, message] of Object.entries(catalogs[language] ?? {})) {
      const own = analyse(message);
      if (!own.parsed) problems.push(`${key}: does not parse`);
      const reference = analyse(english[key] ?? "");
      const missing = [...reference.names].filter((name) => !own.names.has(name));
      const extra = [...own.names].filter((name) => !reference.names.has(name));
      if (missing.length || extra.length) problems.push(`${key}: placeholders ${[...own.names].join(",")}`);
      for (const forms of own.plurals) {
        const absent = categories.filter((category) => !forms.includes(category));
        if (absent.length) problems.push(`${key}: plural without ${absent.join(", ")}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("say which way each language is written", () => {
    for (const catalog of Object.values(catalogs))
      expect(["ltr", "rtl"]).toContain(catalog["language.direction"]);
    expect(catalogs.he?.["language.direction"]).toBe("rtl");
  });

  // Words that stay in Latin letters in any language: the product's name, key names and file formats.
  const latinAllowed = /^(Crystal|Console|CSV|UTF|Excel|Enter|Escape|text|csv|agent_pass)$/;

  it.each(others)("%s has no English left (outside placeholders and names that stay Latin)", (language) => {
    const left: string[] = [];
    for (const [key, message] of Object.entries(catalogs[language] ?? {})) {
      if (key === "language.direction") continue;
      const words =
        analyse(message)
          .texts.join(" ")
          .match(/[A-Za-z][A-Za-z_]*/g) ?? [];
      const latin = words.filter((word) => !latinAllowed.test(word));
      if (latin.length) left.push(`${key}: ${latin.join(" ")}`);
    }
    expect(left).toEqual([]);
  });
});
