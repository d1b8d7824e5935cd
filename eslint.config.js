// @ts-check
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import { createNodeResolver, importX } from "eslint-plugin-import-x";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";
import { noLiteralText } from "./apps/web/eslint.i18n.js";

/** Who may import what: the PBX's HTTP client and the database drivers each stay in one place (design.md). */
const UNDICI = {
  name: "undici",
  message: "Only packages/crystal talks HTTP to the PBX (and bench/ measures it): call the PBX client.",
};
const DRIVERS = ["better-sqlite3", "pg", "node:sqlite"].map((name) => ({
  name,
  message: "No SQL outside apps/server/src/registry: read and write through the registry's modules.",
}));

const KYSELY = {
  name: "kysely",
  message: "SQL lives in apps/server/src/registry: add or use a repository function there.",
};

/** @param {{ name: string, message: string }[]} paths */
const restrictImports = (paths) => ({ "no-restricted-imports": ["error", { paths }] });

export default defineConfig(
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      "data/**",
      "test-results/**",
      "playwright-report/**",
      ".tools/**",
      // Measurement preloads injected into a bench's processes (plain JavaScript, see their headers).
      "bench/probes/**",
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "import-x": importX },
    settings: {
      "import-x/extensions": importX.flatConfigs.typescript.settings["import-x/extensions"],
      "import-x/parsers": importX.flatConfigs.typescript.settings["import-x/parsers"],
      // Workspace packages resolve to their TypeScript source, as for tsc and Vitest.
      "import-x/resolver-next": [
        createNodeResolver({ conditionNames: ["@crystal-console/source", "import", "node", "default"] }),
      ],
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/consistent-type-definitions": ["error", "type"],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // A value that may be missing is checked (or read through `defined` in tests), never asserted.
      "@typescript-eslint/no-non-null-assertion": "error",
      "import-x/no-cycle": "error",
      ...restrictImports([UNDICI, ...DRIVERS]),
      // Configuration is read and validated in one module; nothing else reads process.env.
      "no-restricted-properties": [
        "error",
        {
          object: "process",
          property: "env",
          message: "Read configuration through apps/server/src/config.ts.",
        },
      ],
    },
  },
  { files: ["packages/crystal/**", "bench/**"], rules: restrictImports(DRIVERS) },
  { files: ["apps/server/src/registry/**"], rules: restrictImports([UNDICI]) },
  {
    // All SQL lives in apps/server/src/registry (design.md): nothing else builds a query. Tests may read it.
    files: ["apps/server/src/**/*.ts"],
    ignores: ["apps/server/src/registry/**", "**/*.test.ts"],
    rules: restrictImports([UNDICI, ...DRIVERS, KYSELY]),
  },
  // The test run starts its own PostgreSQL server and creates a database per console.
  { files: ["apps/server/test/**"], rules: restrictImports([UNDICI]) },
  {
    files: [
      "apps/server/src/config.ts",
      "e2e/**",
      "bench/**",
      "packages/pbx-sim/src/cli.ts",
      "apps/server/src/test-support.ts",
      "apps/server/test/**",
      "apps/server/src/faults/server-process.ts",
      "**/*.test.ts",
    ],
    rules: { "no-restricted-properties": "off" },
  },
  {
    files: ["apps/web/src/**"],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  noLiteralText,
  {
    // Components never build URLs: they call routes of the contract by key through a feature's queries
    // (lib/api.ts), which build every request path.
    files: ["apps/web/src/**/*.tsx"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "Literal[value=/^\\/api(\\/|$)/]",
          message: "No /api paths in components: call a query or mutation hook.",
        },
        {
          selector: "TemplateElement[value.raw=/^\\/api(\\/|$)/]",
          message: "No /api paths in components: call a query or mutation hook.",
        },
      ],
    },
  },
  { files: ["**/*.js"], extends: [tseslint.configs.disableTypeChecked] },
);
