// Choosing a language: on the sign-in page (for this browser, and saved for the person once signed in) and
// in the header (at once, and saved on the server so that it follows the person to another browser).
import type { Language, SessionUser } from "@crystal-console/api";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId } from "react";
import { activateLanguage, currentLanguage, useT } from "../../i18n/i18n.tsx";
import { isLanguage, languageName, languages } from "../../i18n/languages.ts";
import { api } from "../../lib/api.ts";
import { showErrorToast } from "../../lib/toast.tsx";
import { sessionKeys } from "./keys.ts";

/** Chosen on the sign-in page before signing in: saved as the person's own once they are signed in. */
let chosenBeforeSignIn: Language | null = null;

export function chooseBeforeSignIn(language: Language): void {
  chosenBeforeSignIn = language;
  void activateLanguage(language);
}

/** Signing in: the language chosen on the sign-in page, if any, becomes the person's (and is saved). */
export function languageAtSignIn(user: SessionUser): SessionUser {
  const chosen = chosenBeforeSignIn;
  chosenBeforeSignIn = null;
  if (chosen === null || chosen === user.language) return user;
  void api("PUT /session/language", { body: { language: chosen } }).catch((error: unknown) =>
    showErrorToast(error, "language.notSaved"),
  );
  return { ...user, language: chosen };
}

export function useSaveLanguage() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { errorContext: "language.notSaved" },
    mutationFn: (language: Language) => api("PUT /session/language", { body: { language } }),
    onMutate: (language) => activateLanguage(language),
    onSuccess: ({ user }) => queryClient.setQueryData(sessionKeys.current(), user),
  });
}

/** Signed in: the page speaks the person's stored language (when they have one). */
export function useAdoptLanguage(user: SessionUser): void {
  useEffect(() => {
    if (isLanguage(user.language) && user.language !== currentLanguage())
      void activateLanguage(user.language);
  }, [user.language]);
}

/** The language menu: each language named in itself ("English", "עברית"). */
export function LanguagePicker({
  onChange,
  tone = "light",
}: {
  onChange: (language: Language) => void;
  tone?: "light" | "dark";
}) {
  const t = useT();
  const id = useId();
  const current = currentLanguage();
  return (
    <div className="flex items-center gap-1.5 text-sm">
      <label htmlFor={id} className={tone === "dark" ? "sr-only" : "text-slate-700"}>
        {t("language.label")}
      </label>
      <select
        id={id}
        value={current}
        onChange={(event) => {
          if (isLanguage(event.target.value)) onChange(event.target.value);
        }}
        className={
          tone === "dark"
            ? "rounded-md border border-white/20 bg-slate-800 px-2 py-1 text-xs text-white"
            : "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900"
        }
      >
        {languages.map((language) => (
          <option key={language} value={language} lang={language}>
            {languageName(language)}
          </option>
        ))}
      </select>
    </div>
  );
}
