// Which languages the console speaks: one catalog file each in ./catalogs (`he.json` is Hebrew), found by
// the build, so a new language is a new file. Which one a person sees: the one stored for them on the
// server once signed in; before that the one last used in this browser, else the browser's own preference
// (navigator.languages), else English.
import type { Language } from "@crystal-console/api";
import type { Messages } from "@lingui/core";

/** The catalogs, each loaded only when its language is first used, compiled at build time (build/compiled-catalogs.ts). */
export const catalogLoaders = import.meta.glob<Messages>("./catalogs/*.json", {
  query: "?compiled",
  import: "default",
});

export const languages = Object.keys(catalogLoaders)
  .map((path): Language => path.replace(/^.*\/(.+)\.json$/, "$1"))
  .sort();

export const DEFAULT_LANGUAGE: Language = "en";

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && languages.includes(value);
}

/** The first of the browser's preferred languages that the console speaks ("he-IL" counts as "he"). */
export function browserLanguage(preferred: readonly string[] = navigator.languages): Language {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split("-")[0];
    if (isLanguage(base)) return base;
  }
  return DEFAULT_LANGUAGE;
}

const LAST_LANGUAGE = "crystal-console:language";

export function rememberedLanguage(): Language | null {
  try {
    const value = window.localStorage.getItem(LAST_LANGUAGE);
    return isLanguage(value) ? value : null;
  } catch {
    return null;
  }
}

export function rememberLanguage(language: Language): void {
  try {
    window.localStorage.setItem(LAST_LANGUAGE, language);
  } catch {
    // Private mode: the browser's preference decides next time.
  }
}

/** A language's name in that language ("עברית", "English"), as a picker shows it. */
export function languageName(language: Language): string {
  return new Intl.DisplayNames([language], { type: "language" }).of(language) ?? language;
}
