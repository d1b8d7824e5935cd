// Starts one console for the whole run, with the embedded PBX simulator and its demo call centre, in a
// fresh data directory. Workers find it through CONSOLE_URL, SIM_URL (with SIM_CONTROL_TOKEN, which the
// simulator's control API asks for) and ADMIN_PASSWORD. The console is the built server (apps/server/dist,
// rebuilt here when a source changed), as `pnpm start` runs it, with source maps on so that its stack
// traces name the source lines.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as Server from "@crystal-console/server";
import { buildServer } from "../scripts/build-server.ts";

export const ADMIN_PASSWORD = "e2e-admin-password-0001";

export type RunningConsole = Awaited<ReturnType<typeof Server.startConsole>>;

declare global {
  var crystalConsole: { app: RunningConsole; dataDir: string } | undefined;
}

export default async function globalSetup(): Promise<void> {
  buildServer();
  process.setSourceMapsEnabled(true);
  const { startConsole } = await import("@crystal-console/server");
  const dataDir = await mkdtemp(join(tmpdir(), "crystal-console-e2e-"));
  const app = await startConsole({
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    ADMIN_PASSWORD,
    LOG_LEVEL: "silent",
    // Fast password hashing for the many sign-ins of a test run (production uses 17).
    SCRYPT_LOG_N: "12",
    // The follow-up that settles an unknown outcome comes 6 s later, so a spec can see the state in between
    // even on a loaded machine (production: 3 s).
    PBX_SETTLE_DELAY_MS: "6000",
  });
  if (!app.sim) throw new Error("The e2e run needs the embedded simulator (no PBX_URL).");
  globalThis.crystalConsole = { app, dataDir };
  process.env.CONSOLE_URL = app.url;
  process.env.SIM_URL = app.sim.url;
  process.env.SIM_CONTROL_TOKEN = app.sim.controlToken ?? "";
  process.env.ADMIN_PASSWORD = ADMIN_PASSWORD;
}
