// The console's words: one Lingui instance, its catalogs loaded per language (./catalogs/<language>.json,
// ICU MessageFormat, compiled at build time), `<html lang dir>` kept in step, and typed helpers: `t` for a
// string, `<T>` for a message with markup in it (a <bdi> around a name), `useT` / `useFormat` in components
// so that they re-render in the new language the moment it changes, without a reload.
import type { Language } from "@crystal-console/api";
import { i18n } from "@lingui/core";
import { I18nProvider, Trans, useLingui } from "@lingui/react";
import { useMemo, type ReactNode } from "react";
import type en from "./catalogs/en.json";
import * as format from "./format.ts";
import { DEFAULT_LANGUAGE, catalogLoaders, isLanguage, rememberLanguage } from "./languages.ts";

/** Every message's key; the English catalog is the reference, and every other catalog has the same keys. */
export type MessageKey = Extract<keyof typeof en, string>;
export type MessageValues = Record<string, unknown>;

const loaded = new Set<string>();

/** Loads a language's catalog (once) and makes it the one every component shows. */
export async function activateLanguage(language: Language): Promise<void> {
  const chosen = isLanguage(language) ? language : DEFAULT_LANGUAGE;
  if (!loaded.has(chosen)) {
    const load = catalogLoaders[`./catalogs/${chosen}.json`];
    if (!load) throw new Error(`No catalog for ${chosen}`);
    i18n.load(chosen, await load());
    loaded.add(chosen);
  }
  i18n.activate(chosen);
  rememberLanguage(chosen);
  const root = document.documentElement;
  root.lang = chosen;
  root.dir = i18n._("language.direction" satisfies MessageKey) === "rtl" ? "rtl" : "ltr";
}

export function currentLanguage(): Language {
  return isLanguage(i18n.locale) ? i18n.locale : DEFAULT_LANGUAGE;
}

export function isRtl(): boolean {
  return document.documentElement.dir === "rtl";
}

/** A name isolated from the words around it (FSI ... PDI), for text that cannot hold a <bdi> (an <option>). */
export function isolate(text: string): string {
  return `\u2068${text}\u2069`;
}

/** A message in the active language, for code outside components (toasts, announcements, titles). */
export function t(key: MessageKey, values?: MessageValues): string {
  return i18n._(key, values);
}

/** Whether the active catalog has a message for this key (for words that may or may not be ours). */
export function hasMessage(key: string): key is MessageKey {
  return key in i18n.messages;
}

/** `t` for components: the component re-renders when the language changes. */
export function useT(): typeof t {
  const { i18n: active } = useLingui();
  return useMemo(() => (key: MessageKey, values?: MessageValues) => active._(key, values), [active]);
}

/**
 * A message with elements among its values, e.g. `<T k="board.assignTitle" values={{ name: <bdi>{name}</bdi> }} />`
 * for "Assign {name} to a queue": the words come from the catalog, the markup from the code.
 */
export function T({ k, values }: { k: MessageKey; values?: Record<string, ReactNode> }) {
  return <Trans id={k} values={values} />;
}

/** The formatters, bound to the active language and the call centre's time zone. */
export function useFormat() {
  const { i18n: active } = useLingui();
  const locale = active.locale;
  return useMemo(
    () => ({
      clock: (iso: string) => format.formatClock(iso, locale, timeZone),
      /** The clock in a zone a report names (the call centre's), to the second when asked. */
      clockIn: (iso: string, zone: string, seconds = false) => format.formatClock(iso, locale, zone, seconds),
      dateTime: (iso: string) => format.formatDateTime(iso, locale, timeZone),
      number: (value: number) => format.formatNumber(value, locale),
      percent: (value: number) => format.formatPercent(value, locale),
      bytes: (bytes: number) => format.formatBytes(bytes, locale),
      duration: (ms: number) => format.formatDuration(ms, locale),
      durationLong: (ms: number) => format.formatDuration(ms, locale, "long"),
      relative: (iso: string, now: number) => format.formatRelative(iso, now, locale),
    }),
    [locale],
  );
}

let timeZone: format.TimeZone;

/**
 * The call centre's time zone (TIME_ZONE on the server, an IANA name), from the session: every time the console
 * shows is in it, wherever the browser is, so the board, the history and the reports agree. Until the session
 * has been read, the browser's own.
 */
export function setTimeZone(zone: format.TimeZone): void {
  timeZone = zone;
}

export function LanguageProvider({ children }: { children: ReactNode }) {
  return <I18nProvider i18n={i18n}>{children}</I18nProvider>;
}
