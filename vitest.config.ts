import { defineConfig } from "vitest/config";

// One Vitest run covers every package; browser specs live in e2e/ and run under Playwright. The server's
// tests run twice, once on each registry dialect (docs/decisions/015-registry-test-postgres.md): on SQLite, and on a
// real PostgreSQL server that the run starts itself (apps/server/test/postgres.ts) or TEST_DATABASE_URL.
const server = ["apps/server/src/**/*.test.ts"];
const shared = { testTimeout: 20_000, hookTimeout: 30_000 };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: "packages",
          include: ["packages/*/src/**/*.test.ts", "apps/web/src/**/*.test.ts"],
        },
      },
      {
        test: {
          ...shared,
          name: "server:sqlite",
          include: server,
          // Several consoles on one registry is the PostgreSQL path (design.md): those tests run there only.
          exclude: ["**/*.postgres.test.ts"],
          provide: { dialect: "sqlite" },
        },
      },
      {
        test: {
          ...shared,
          name: "server:postgres",
          include: server,
          provide: { dialect: "postgres" },
          globalSetup: ["apps/server/test/postgres.ts"],
        },
      },
    ],
  },
});
