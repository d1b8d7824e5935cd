// Browser specs in Debian's Chromium against a console started in-process with its embedded PBX simulator
// (global-setup.ts). `playwright install` cannot download browsers here, so the executable is given.
import { defineConfig, devices } from "@playwright/test";

export default defineConfig({
  testDir: ".",
  testMatch: "*.spec.ts",
  outputDir: "../test-results",
  fullyParallel: false,
  workers: 2,
  retries: 0,
  reporter: "list",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  globalSetup: "./global-setup.ts",
  globalTeardown: "./global-teardown.ts",
  use: {
    ...devices["Desktop Chrome"],
    viewport: { width: 1366, height: 768 },
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [
    { name: "chromium", testIgnore: ["faults.spec.ts", "import.spec.ts", "load-balancer.spec.ts"] },
    // The console runs one import at a time (a second is answered 409), so the import specs take turns,
    // beside the others.
    { name: "imports", testMatch: "import.spec.ts", workers: 1 },
    // Faults are injected into the one shared PBX, so those specs run alone, after all the others, one at a
    // time (a fault one test injects must not be met by another's call, even under --repeat-each).
    // Two consoles of their own behind HAProxy, on their own PostgreSQL and simulator (e2e/load-balancer.ts),
    // started by the spec's worker: one is killed on purpose, so they share nothing with the others.
    { name: "load-balancer", testMatch: "load-balancer.spec.ts", workers: 1 },
    { name: "pbx-faults", testMatch: "faults.spec.ts", dependencies: ["chromium", "imports"], workers: 1 },
  ],
});
