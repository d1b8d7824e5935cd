// No user-visible text written into a component instead of the catalogs (this runs in `pnpm test`; the
// same rule runs in `pnpm lint`): eslint-plugin-i18next's no-literal-string over every component.
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";
import { noLiteralText } from "../eslint.i18n.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: true,
  overrideConfig: [{ files: ["**/*.tsx"], languageOptions: { parser: tseslint.parser } }, noLiteralText],
});

describe("text in components", () => {
  it("comes from the catalogs in every component", async () => {
    const results = await eslint.lintFiles(["apps/web/src/**/*.tsx"]);
    const found = results.flatMap((result) =>
      result.messages
        .filter((message) => message.ruleId === "i18next/no-literal-string")
        .map((message) => `${result.filePath.slice(root.length)}:${message.line} ${message.message}`),
    );
    expect(results.length).toBeGreaterThan(20);
    expect(found).toEqual([]);
  });

  it("is caught when written in JSX or in an attribute people read", async () => {
    const [result] = await eslint.lintText(
      [
        "export function Example() {",
        '  return <p title="Hello there">No agents match.<input placeholder={`Name of ${"x"}`} /></p>;',
        "}",
      ].join("\n"),
      { filePath: `${root}apps/web/src/features/Example.tsx` },
    );
    const messages = result?.messages.map((message) => message.message).join("\n") ?? "";
    expect(messages).toContain('title="Hello there"');
    expect(messages).toContain("No agents match.");
    expect(messages).toContain("`Name of ");
  });
});
