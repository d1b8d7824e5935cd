// Shared by apps/server's *.test.ts files: a console started on a loopback port with the embedded
// simulator, and a tiny HTTP client that keeps its session cookie and sends the CSRF header on writes.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Writable } from "node:stream";
import type {
  Agent,
  ApiError,
  AuditEntry,
  ConsoleUser,
  PbxHealth,
  Queue,
  SessionUser,
} from "@crystal-console/api";
import { MANAGEMENT_PATH, type PbxSim } from "@crystal-console/pbx-sim";
import { type RunningConsole, startConsole } from "./index.ts";

export const ADMIN_PASSWORD = "admin-password-123";

const SERVER_DIR = fileURLToPath(new URL("..", import.meta.url));

/**
 * The command `pnpm start` runs for the built server (apps/server/package.json `start`: plain node on
 * dist/), with this process's node, to run in apps/server, and the environment of a quiet console on a free
 * loopback port with fast password hashing and no demo, plus `env`. Vitest's global setup builds dist first.
 */
export function builtServer(env: Record<string, string>): {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string | undefined>;
} {
  const { scripts } = JSON.parse(readFileSync(join(SERVER_DIR, "package.json"), "utf8")) as {
    scripts: { start: string };
  };
  const [command, ...args] = scripts.start.split(" ");
  if (command !== "node") throw new Error(`apps/server's start script must run plain node: ${scripts.start}`);
  return {
    command: process.execPath,
    args,
    cwd: SERVER_DIR,
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
  };
}
export const SUPERVISOR_PASSWORD = "supervisor-password-1";

/** The value, which the test expects to be there: a missing one fails the test here, with what it was. */
export function defined<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`Expected ${what}, got ${String(value)}.`);
  return value;
}

/** Every response body a client received, for the secret scans. */
export type BodyLog = string[];

export type TestConsole = RunningConsole & {
  /** The embedded simulator (these tests never run a console against a real PBX unless they say so). */
  pbx: PbxSim;
  dataDir: string;
  client: (log?: BodyLog) => Client;
  /** A client signed in as the first admin. */
  admin: Client;
  stop: () => Promise<void>;
};

export async function startTestConsole(
  env: Record<string, string> = {},
  options: { logDestination?: Writable; sessionTimeouts?: { idleMs: number; absoluteMs: number } } = {},
): Promise<TestConsole> {
  const dataDir = mkdtempSync(join(tmpdir(), "crystal-console-test-"));
  const running = await startConsole(
    {
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      ADMIN_PASSWORD,
      LOG_LEVEL: "silent",
      SCRYPT_LOG_N: "10",
      DEMO: "false",
      PBX_SETTLE_DELAY_MS: "200",
      ...env,
    },
    options,
  );
  const client = (log?: BodyLog) => new Client(running.url, log);
  const admin = client();
  await admin.signIn("admin", ADMIN_PASSWORD);
  return {
    ...running,
    // Read only by tests that run the embedded simulator; a remote-mode console has none.
    get pbx() {
      return defined(running.sim, "the embedded simulator");
    },
    dataDir,
    client,
    admin,
    async stop() {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Every shape a response body of the contract can take, as one type: each test reads what it expects
 * (and asserts it), without casting at every step.
 */
export type AnyBody = ApiError & {
  agent: Agent;
  agents: Agent[];
  queue: Queue;
  queues: Queue[];
  user: SessionUser & Partial<ConsoleUser>;
  users: ConsoleUser[];
  entries: AuditEntry[];
  nextBefore: number | null;
  agentIds: string[];
  reasons: string[];
  status: string;
  pbx: PbxHealth;
  queueId: string;
  agentId: string;
};

export type Reply<T = AnyBody> = { status: number; body: T; headers: Headers; text: string };

type Any = AnyBody;

export class Client {
  cookie: string | null = null;

  constructor(
    readonly baseUrl: string,
    private readonly log?: BodyLog,
  ) {}

  async request<T = Any>(
    method: string,
    path: string,
    body?: unknown,
    options: { csrf?: boolean; headers?: Record<string, string>; raw?: string } = {},
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookie) headers.cookie = this.cookie;
    const write = !["GET", "HEAD", "OPTIONS"].includes(method);
    if (write && options.csrf !== false) headers["x-requested-with"] = "crystal-console";
    let payload: string | undefined;
    if (options.raw !== undefined) payload = options.raw;
    else if (body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(payload !== undefined ? { body: payload } : {}),
    });
    const setCookie = response.headers.get("set-cookie");
    if (setCookie) {
      const [pair] = setCookie.split(";");
      const value = pair?.slice(pair.indexOf("=") + 1) ?? "";
      this.cookie = value === "" ? null : (pair ?? null);
    }
    const text = await response.text();
    this.log?.push(text);
    let parsed: unknown = undefined;
    if (text !== "") {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: response.status, body: parsed as T, headers: response.headers, text };
  }

  get = <T = Any>(path: string) => this.request<T>("GET", path);
  post = <T = Any>(path: string, body?: unknown) => this.request<T>("POST", path, body);
  put = <T = Any>(path: string, body?: unknown) => this.request<T>("PUT", path, body);
  patch = <T = Any>(path: string, body?: unknown) => this.request<T>("PATCH", path, body);
  delete = <T = Any>(path: string) => this.request<T>("DELETE", path);

  async signIn(username: string, password: string): Promise<Reply> {
    const reply = await this.post("/api/session", { username, password });
    if (reply.status !== 200) throw new Error(`sign-in as ${username}: ${reply.status} ${reply.text}`);
    return reply;
  }

  async createSupervisor(username: string, password = SUPERVISOR_PASSWORD): Promise<void> {
    await this.createUser(username, "supervisor", password);
  }

  async createUser(username: string, role: "admin" | "supervisor", password: string): Promise<void> {
    const reply = await this.post("/api/users", { username, role, password });
    if (reply.status !== 201) throw new Error(`create user ${username}: ${reply.status} ${reply.text}`);
  }

  async createQueue(id: string, name = `Queue ${id}`): Promise<Queue> {
    const reply = await this.post<{ queue: Queue }>("/api/queues", { id, name });
    if (reply.status !== 201) throw new Error(`create queue ${id}: ${reply.status} ${reply.text}`);
    return reply.body.queue;
  }

  async createAgent(id: string, outQueueId: string, password = `pw-${id}`, name = `Agent ${id}`) {
    const reply = await this.post<{ agent: Agent }>("/api/agents", { id, name, password, outQueueId });
    if (reply.status !== 201) throw new Error(`create agent ${id}: ${reply.status} ${reply.text}`);
    return reply.body.agent;
  }

  async state(agentId: string, body: Record<string, unknown>): Promise<Reply> {
    return this.post(`/api/agents/${agentId}/state`, body);
  }

  /** Runs a CSV import through the API and waits for its job (bounded); returns the job's counts. */
  async importCsv(kind: "agents" | "queues", lines: string[]): Promise<Record<string, number>> {
    const started = await fetch(`${this.baseUrl}/api/import/${kind}`, {
      method: "POST",
      headers: {
        cookie: this.cookie ?? "",
        "x-requested-with": "crystal-console",
        "content-type": "text/csv",
      },
      body: lines.join("\r\n"),
    });
    if (started.status !== 202)
      throw new Error(`import ${kind}: HTTP ${started.status} ${await started.text()}`);
    const { jobId } = (await started.json()) as { jobId: string };
    const deadline = Date.now() + 120_000;
    for (;;) {
      const { body } = await this.get<{ job: { status: string; counts: Record<string, number> } }>(
        `/api/import/jobs/${jobId}`,
      );
      if (body.job.status !== "running") {
        if (body.job.status !== "done") throw new Error(`import ${kind}: ${body.job.status}`);
        return body.job.counts;
      }
      if (Date.now() > deadline) throw new Error(`import ${kind}: still running after 120 s`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async agents(): Promise<Agent[]> {
    return (await this.get<{ agents: Agent[] }>("/api/agents")).body.agents;
  }

  async agent(id: string): Promise<Agent | undefined> {
    return (await this.agents()).find((agent) => agent.id === id);
  }

  async queues(): Promise<Queue[]> {
    return (await this.get<{ queues: Queue[] }>("/api/queues")).body.queues;
  }
}

/** The registry as the API shows it, for "nothing changed" comparisons. */
export async function registrySnapshot(admin: Client) {
  return { agents: await admin.agents(), queues: await admin.queues() };
}

/** A management_api.php call straight to the simulator, as if someone else used the PBX. */
export async function pbxDirect(sim: PbxSim, params: Record<string, string>): Promise<string> {
  const query = new URLSearchParams({ ...params, secure: sim.secure });
  const response = await fetch(`${sim.url}${MANAGEMENT_PATH}?${query.toString()}`);
  return response.text();
}

/** Polls until `check` passes (or throws its last failure after `timeoutMs`). */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 3000, stepMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, stepMs));
    }
  }
}

// ---------------------------------------------------------------- SSE

export type SseEvent = { id: string | undefined; event: string | undefined; data: string };

/** Reads a text/event-stream response into events as they arrive. */
export class SseReader {
  readonly events: SseEvent[] = [];
  private readonly controller = new AbortController();
  private waiters: (() => void)[] = [];
  status = 0;
  done: Promise<void> = Promise.resolve();

  static async open(client: Client, headers: Record<string, string> = {}): Promise<SseReader> {
    const reader = new SseReader();
    const response = await fetch(`${client.baseUrl}/api/events`, {
      headers: { ...(client.cookie ? { cookie: client.cookie } : {}), ...headers },
      signal: reader.controller.signal,
    });
    reader.status = response.status;
    if (response.body) reader.done = reader.pump(response.body);
    return reader;
  }

  private async pump(body: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder();
    let buffer = "";
    let current: { id?: string; event?: string; data: string[] } = { data: [] };
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let newline: number;
        while ((newline = buffer.indexOf("\n")) !== -1) {
          const line = buffer.slice(0, newline).replace(/\r$/, "");
          buffer = buffer.slice(newline + 1);
          if (line === "") {
            if (current.data.length > 0) {
              this.events.push({ id: current.id, event: current.event, data: current.data.join("\n") });
              for (const wake of this.waiters.splice(0)) wake();
            }
            current = { data: [] };
            continue;
          }
          if (line.startsWith(":")) continue;
          const colon = line.indexOf(":");
          const field = colon === -1 ? line : line.slice(0, colon);
          const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
          if (field === "data") current.data.push(value);
          else if (field === "id") current.id = value;
          else if (field === "event") current.event = value;
        }
      }
    } catch {
      // aborted by close()
    }
  }

  /** Waits until an event matching `match` has arrived, or fails after `timeoutMs`. */
  async waitFor(match: (event: SseEvent) => boolean, timeoutMs = 1000): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching event within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.controller.abort();
  }
}
