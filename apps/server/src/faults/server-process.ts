// A console as its own process, as `pnpm start` runs it, for the fault tests (SIGTERM, SIGKILL, several
// instances). Node runs main.ts itself (tsx as a loader, not the tsx CLI, which would put a wrapper process
// in between): a signal must hit the process that holds the registry.
import { type ChildProcess, spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ADMIN_PASSWORD } from "../test-support.ts";

const ROOT = resolve(fileURLToPath(new URL("../../../..", import.meta.url)));
const MAIN = join(ROOT, "apps/server/src/main.ts");

export type ServerProcess = {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  output: () => string;
};

const running: ServerProcess[] = [];

/** Starts main.ts with the test defaults and `env`; resolves once it prints its URL. */
export function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: "0",
      HOST: "127.0.0.1",
      ADMIN_PASSWORD,
      SCRYPT_LOG_N: "10",
      DEMO: "false",
      LOG_LEVEL: "silent",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  return new Promise((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`the server did not start:\n${output}`)), 40_000);
    child.stdout.on("data", () => {
      const match = /Crystal Console is running at (http:\/\/\S+)/.exec(output);
      if (!match?.[1]) return;
      clearTimeout(timer);
      const started = { child, exited, output: () => output, url: match[1] };
      running.push(started);
      ready(started);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`the server exited with ${code}:\n${output}`));
    });
  });
}

/** Kills every server this file started that is still running (afterAll). */
export async function killServerProcesses(): Promise<void> {
  for (const server of running) if (server.child.exitCode === null) server.child.kill("SIGKILL");
  await Promise.all(running.map((server) => server.exited));
  running.length = 0;
}
