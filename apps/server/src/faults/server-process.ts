// A console as its own process, as `pnpm start` runs it, for the fault tests (SIGTERM, SIGKILL, several
// instances): node itself on the built server (test-support's builtServer), no wrapper process in between,
// so a signal hits the process that holds the registry.
import { type ChildProcess, spawn } from "node:child_process";
import { builtServer } from "../test-support.ts";

export type ServerProcess = {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  output: () => string;
};

const running: ServerProcess[] = [];

/** Starts the built server with the test defaults and `env`; resolves once it prints its URL. */
export function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const { command, args, cwd, env: fullEnv } = builtServer(env);
  const child = spawn(command, args, { cwd, env: fullEnv, stdio: ["ignore", "pipe", "pipe"] });
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
