// Compiles the server and the workspace packages it uses to dist/ (tsc project references; incremental, so
// about a second when nothing changed). Vitest's and Playwright's global setups call it, so the tests that
// run the built server never meet a stale build.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

export function buildServer(): void {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-b", "apps/server/tsconfig.build.json"], {
    cwd: ROOT,
    stdio: "inherit",
  });
}
