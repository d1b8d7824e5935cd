// @ts-check
// The SPA's text rule, shared by eslint.config.js (`pnpm lint`) and apps/web/src/i18n/literals.test.ts
// (`pnpm test`): every word a person reads comes from the catalogs (src/i18n/catalogs), so no text is
// written into a component: not in JSX, not in the attributes people read (labels, titles, placeholders,
// aria-labels), not in a template literal there. Symbols and punctuation alone are fine.
import i18next from "eslint-plugin-i18next";

/** @type {import("eslint").Linter.Config} */
export const noLiteralText = {
  files: ["apps/web/src/**/*.tsx"],
  plugins: { i18next },
  rules: {
    "i18next/no-literal-string": [
      "error",
      {
        mode: "jsx-only",
        "should-validate-template": true,
        "jsx-attributes": {
          include: [
            "aria-label",
            "aria-valuetext",
            "aria-description",
            "title",
            "placeholder",
            "alt",
            "label",
          ],
        },
        words: { exclude: ["[0-9!-/:-@[-`{-~×—·→▲▼…\\s]+"] },
      },
    ],
  },
};
