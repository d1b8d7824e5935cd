import { rm } from "node:fs/promises";

export default async function globalTeardown(): Promise<void> {
  const running = globalThis.crystalConsole;
  if (!running) return;
  globalThis.crystalConsole = undefined;
  await running.app.close();
  await rm(running.dataDir, { recursive: true, force: true });
}
