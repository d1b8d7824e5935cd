import { defineConfig } from "vitest/config";

// One Vitest run covers every package; browser specs live in e2e/ and run under Playwright.
export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "apps/*/src/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
