import { defineConfig } from "vitest/config";

// Workspace packages resolve to their TypeScript source under this export condition (dist/ is what `pnpm
// start` runs; docs/decisions/013-runtime-built-server.md).
const SOURCE_CONDITION = "@crystal-console/source";

// One Vitest run covers every package; browser specs live in e2e/ and run under Playwright.
export default defineConfig({
  resolve: { conditions: [SOURCE_CONDITION, "module", "browser", "development|production"] },
  ssr: { resolve: { conditions: [SOURCE_CONDITION, "module", "node", "development|production"] } },
  test: {
    include: ["packages/*/src/**/*.test.ts", "apps/*/src/**/*.test.ts", "apps/web/test/**/*.test.ts"],
    globalSetup: ["./vitest.global-setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
