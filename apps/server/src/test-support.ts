// Shared by apps/server's *.test.ts files: a console started on a loopback port with the embedded
// simulator, and the typed client of the contract table (routes by key, as the SPA calls them) that keeps
// its session cookie, sends the CSRF header on writes, and checks every answer against the table.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Writable } from "node:stream";
import {
  type Agent,
  type AgentStateRequest,
  type ApiError,
  type ConsoleRole,
  type BuiltRequest,
  CSRF_HEADER,
  CSRF_VALUE,
  type Queue,
  type RouteAnswer,
  type RouteInput,
  type RouteKey,
  type RouteSpec,
  type SuccessStatus,
  apiErrorSchema,
  buildRequest,
  errorStatus,
  errorsOf,
  routeUrl,
  routes,
} from "@crystal-console/api";
import { z } from "zod";
import { MANAGEMENT_PATH, type PbxSim } from "@crystal-console/pbx-sim";
import { type RunningConsole, startConsole } from "./index.ts";
import { freshRegistry } from "./test-database.ts";

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
  // A DATABASE_URL given shares that registry (several consoles on one database); else a fresh one.
  const registry = env.DATABASE_URL ? { env: {} } : await freshRegistry(dataDir);
  const running = await startConsole(
    {
      ...registry.env,
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

type UnionToIntersection<U> = (U extends unknown ? (each: U) => void : never) extends (all: infer I) => void
  ? I
  : never;

/**
 * What a test reads from a route's answer: the body of its success answer (of each, if it has several)
 * and the error shape, as one type, so that a test reads what it expects after asserting the status,
 * without casting at every step; a field the contract does not have does not compile. (Every JSON answer
 * is also parsed with its schema from the contract table: see `checkAnswer`.)
 */
export type AnswerBody<K extends RouteKey> = (RouteAnswer<K> extends object
  ? UnionToIntersection<Extract<RouteAnswer<K>, object>>
  : unknown) &
  ApiError;

export type Reply<T = ApiError> = {
  status: number;
  body: T;
  headers: Headers;
  /** The body as text (a UTF-8 BOM dropped, as fetch's text() does) and as it came. */
  text: string;
  bytes: Uint8Array;
};

type SendOptions = {
  /** False to leave out the CSRF header on a state-changing request. */
  csrf?: boolean;
  headers?: Record<string, string>;
};

/** A request that breaks the contract on purpose (bad input): any params, query and body, or raw JSON text. */
export type UncheckedInput = SendOptions & {
  params?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Sent as the body as it is, with Content-Type application/json (malformed JSON, for instance). */
  raw?: string;
};

type CallArgs<K extends RouteKey> =
  object extends RouteInput<K> ? [input?: RouteInput<K> & SendOptions] : [input: RouteInput<K> & SendOptions];

/**
 * The answer is the one the contract table declares: a success status's schema (parsed with zod, here in
 * the tests only) or content type, or the error shape with a code the route may answer, at that code's
 * status. Throws naming the route and what differs.
 */
export function checkAnswer(key: RouteKey, reply: Reply<unknown>): void {
  const fail = (what: string) => {
    throw new Error(
      `${key} answered ${reply.status} outside the contract: ${what}\n${reply.text.slice(0, 500)}`,
    );
  };
  const spec: RouteSpec = routes[key];
  const declared = spec.responses[reply.status as SuccessStatus];
  if (reply.status < 400) {
    if (declared === undefined) fail("no such success status");
    else if (declared === null) {
      if (reply.text !== "") fail("a body where none is declared");
    } else if ("contentType" in declared) {
      if (!reply.headers.get("content-type")?.startsWith(declared.contentType))
        fail(`not ${declared.contentType}`);
    } else {
      const parsed = declared.safeParse(reply.body);
      if (!parsed.success) fail(z.prettifyError(parsed.error));
    }
    return;
  }
  const parsed = apiErrorSchema.safeParse(reply.body);
  if (!parsed.success) return fail(`not the error shape: ${z.prettifyError(parsed.error)}`);
  const { code } = parsed.data.error;
  if (!errorsOf(key).includes(code)) fail(`${code} is not among its error codes`);
  if (errorStatus[code] !== reply.status) fail(`${code} belongs with ${errorStatus[code]}`);
}

/** Each route this test file called, with the statuses it answered (for "every route was called"). */
export const answered = new Map<RouteKey, Set<number>>();

export class Client {
  cookie: string | null = null;

  constructor(
    readonly baseUrl: string,
    private readonly log?: BodyLog,
  ) {}

  /** Calls a route of the contract, typed by the table like the SPA's client; the answer is checked. */
  async call<K extends RouteKey>(key: K, ...[input]: CallArgs<K>): Promise<Reply<AnswerBody<K>>> {
    // Read as unknown: the union of every route's input is too large for the checker to narrow here.
    const given: unknown = input;
    return this.unchecked(key, given ?? {});
  }

  /** Calls a route of the contract with input the table does not allow; the answer is checked all the same. */
  async unchecked<K extends RouteKey>(key: K, input: UncheckedInput): Promise<Reply<AnswerBody<K>>> {
    const { csrf, headers, raw, ...request } = input;
    const built = buildRequest(key, request as RouteInput<K>);
    const options = { ...(csrf === undefined ? {} : { csrf }), ...(headers ? { headers } : {}) };
    const reply =
      raw === undefined
        ? await this.send(built.method, built.url, built.body, built.contentType, options)
        : await this.send(built.method, built.url, raw, "application/json", options);
    checkAnswer(key, reply);
    answered.set(key, (answered.get(key) ?? new Set()).add(reply.status));
    return reply as Reply<AnswerBody<K>>;
  }

  /** A request outside the contract (an unknown path, the SPA's files, /metrics): nothing is checked. */
  async request(method: string, path: string, body?: unknown, options: SendOptions = {}): Promise<Reply> {
    const payload = body === undefined ? null : JSON.stringify(body);
    return (await this.send(
      method,
      path,
      payload,
      payload === null ? null : "application/json",
      options,
    )) as Reply;
  }

  private async send(
    method: string,
    path: string,
    body: BuiltRequest["body"],
    contentType: string | null,
    options: SendOptions,
  ): Promise<Reply<unknown>> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookie) headers.cookie = this.cookie;
    const write = !["GET", "HEAD", "OPTIONS"].includes(method);
    if (write && options.csrf !== false) headers[CSRF_HEADER.toLowerCase()] = CSRF_VALUE;
    if (contentType && !Object.keys(headers).some((name) => name.toLowerCase() === "content-type"))
      headers["content-type"] = contentType;
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      // A file body is a Blob here (the contract describes it by shape: it has no DOM types).
      ...(body === null ? {} : { body: body as string | Blob }),
    });
    const setCookie = response.headers.get("set-cookie");
    if (setCookie) {
      const [pair] = setCookie.split(";");
      const value = pair?.slice(pair.indexOf("=") + 1) ?? "";
      this.cookie = value === "" ? null : (pair ?? null);
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    const text = new TextDecoder().decode(bytes);
    this.log?.push(text);
    let parsed: unknown = undefined;
    if (text !== "") {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: response.status, body: parsed, headers: response.headers, text, bytes };
  }

  async signIn(username: string, password: string): Promise<Reply<AnswerBody<"POST /session">>> {
    const reply = await this.call("POST /session", { body: { username, password } });
    if (reply.status !== 200) throw new Error(`sign-in as ${username}: ${reply.status} ${reply.text}`);
    return reply;
  }

  async createSupervisor(username: string, password = SUPERVISOR_PASSWORD): Promise<void> {
    await this.createUser(username, "supervisor", password);
  }

  async createUser(username: string, role: ConsoleRole, password: string): Promise<void> {
    const reply = await this.call("POST /users", { body: { username, role, password } });
    if (reply.status !== 201) throw new Error(`create user ${username}: ${reply.status} ${reply.text}`);
  }

  async createQueue(id: string, name = `Queue ${id}`): Promise<Queue> {
    const reply = await this.call("POST /queues", { body: { id, name } });
    if (reply.status !== 201) throw new Error(`create queue ${id}: ${reply.status} ${reply.text}`);
    return reply.body.queue;
  }

  async createAgent(id: string, outQueueId: string, password = `pw-${id}`, name = `Agent ${id}`) {
    const reply = await this.call("POST /agents", { body: { id, name, password, outQueueId } });
    if (reply.status !== 201) throw new Error(`create agent ${id}: ${reply.status} ${reply.text}`);
    return reply.body.agent;
  }

  async state(agentId: string, body: AgentStateRequest) {
    return this.call("POST /agents/:id/state", { params: { id: agentId }, body });
  }

  /** Runs a CSV import through the API and waits for its job (bounded); returns the job's counts. */
  async importCsv(kind: "agents" | "queues", lines: string[]): Promise<Record<string, number>> {
    const started = await this.call("POST /import/:kind", { params: { kind }, body: lines.join("\r\n") });
    if (started.status !== 202) throw new Error(`import ${kind}: HTTP ${started.status} ${started.text}`);
    const { jobId } = started.body;
    const deadline = Date.now() + 120_000;
    for (;;) {
      const { body } = await this.call("GET /import/jobs/:jobId", { params: { jobId } });
      if (body.job.status !== "running") {
        if (body.job.status !== "done") throw new Error(`import ${kind}: ${body.job.status}`);
        return body.job.counts;
      }
      if (Date.now() > deadline) throw new Error(`import ${kind}: still running after 120 s`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async agents(): Promise<Agent[]> {
    return (await this.call("GET /agents")).body.agents;
  }

  async agent(id: string): Promise<Agent | undefined> {
    return (await this.agents()).find((agent) => agent.id === id);
  }

  async queues(): Promise<Queue[]> {
    return (await this.call("GET /queues")).body.queues;
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
  contentType: string | null = null;
  done: Promise<void> = Promise.resolve();

  static async open(client: Client, headers: Record<string, string> = {}): Promise<SseReader> {
    const reader = new SseReader();
    const response = await fetch(`${client.baseUrl}${routeUrl("GET /events")}`, {
      headers: { ...(client.cookie ? { cookie: client.cookie } : {}), ...headers },
      signal: reader.controller.signal,
    });
    reader.status = response.status;
    reader.contentType = response.headers.get("content-type");
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

/** Resolves when the stream's body has ended; fails if it is still open after `ms` (the heartbeat is 15 s). */
export async function ended(reader: SseReader, ms = 2000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const stillOpen = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the stream was still open after ${ms} ms`)), ms);
  });
  try {
    await Promise.race([reader.done, stillOpen]);
  } finally {
    clearTimeout(timer);
  }
}
