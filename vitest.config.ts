import { defineConfig } from "vitest/config";

// Workspace packages resolve to their TypeScript source under this export condition (dist/ is what `pnpm
// start` runs; docs/decisions/013-runtime-built-server.md).
const SOURCE_CONDITION = "@crystal-console/source";

// One Vitest run covers every package; browser specs live in e2e/ and run under Playwright. The server's
// tests run twice, once on each registry dialect (docs/decisions/017-registry-test-postgres.md): on SQLite, and on a
// real PostgreSQL server that the run starts itself (apps/server/test/postgres.ts) or TEST_DATABASE_URL.
// Inline projects inherit this root config (Vitest 5): its resolve conditions, timeouts and global setup.
const server = ["apps/server/src/**/*.test.ts"];

export default defineConfig({
  resolve: { conditions: [SOURCE_CONDITION, "module", "browser", "development|production"] },
  ssr: { resolve: { conditions: [SOURCE_CONDITION, "module", "node", "development|production"] } },
  test: {
    // Before any test the built server is current (the tests that start it as its own process run dist/).
    globalSetup: ["./vitest.global-setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    projects: [
      {
        test: {
          name: "packages",
          include: ["packages/*/src/**/*.test.ts", "apps/web/src/**/*.test.ts", "apps/web/test/**/*.test.ts"],
        },
      },
      {
        test: {
          name: "server:sqlite",
          include: server,
          // Several consoles on one registry is the PostgreSQL path (design.md): those tests run there only.
          exclude: ["**/*.postgres.test.ts"],
          provide: { dialect: "sqlite" },
        },
      },
      {
        test: {
          name: "server:postgres",
          include: server,
          provide: { dialect: "postgres" },
          globalSetup: ["apps/server/test/postgres.ts"],
        },
      },
    ],
  },
});
