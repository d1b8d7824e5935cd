// deploy/nginx.conf, run as an operator would (envsubst's three variables), by Debian's nginx
// (/usr/sbin/nginx, or NGINX_PATH) in a temporary prefix on a free port, in front of two consoles on one
// PostgreSQL and one simulator: requests reach both; an event stream passes unbuffered and outlives the
// file's read timeout (the console's heartbeat keeps it open); with one console gone, requests go on
// through the other.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { freePort } from "../../test/postgres.ts";
import {
  ADMIN_PASSWORD,
  Client,
  SseReader,
  type TestConsole,
  defined,
  startTestConsole,
} from "../test-support.ts";

const NGINX = process.env.NGINX_PATH ?? "/usr/sbin/nginx";
const CONFIG = readFileSync(fileURLToPath(new URL("../../../../deploy/nginx.conf", import.meta.url)), "utf8");

let a: TestConsole;
let b: TestConsole;
let nginx: ChildProcess;
let url: string;
let prefix: string;
let bStopped = false;

const hostPort = (consoleUrl: string) => new URL(consoleUrl).host;

/** The instance that answered a GET /api/health sent through nginx (200), or the status. */
async function health(): Promise<string | number> {
  const response = await fetch(`${url}/api/health`);
  if (!response.ok) return response.status;
  return ((await response.json()) as { instance: string }).instance;
}

beforeAll(async () => {
  a = await startTestConsole({ TRUST_PROXY: "true" });
  const { database } = a.config;
  if (database.dialect !== "postgres") throw new Error("two consoles share a PostgreSQL registry only");
  b = await startTestConsole({
    TRUST_PROXY: "true",
    DATABASE_URL: database.url,
    PBX_URL: a.pbx.url,
    PBX_SECURE: a.pbx.secure,
  });
  prefix = mkdtempSync(join(tmpdir(), "crystal-console-nginx-"));
  const port = await freePort();
  const site = CONFIG.replaceAll("${LB_LISTEN}", `127.0.0.1:${port}`)
    .replaceAll("${CONSOLE_A}", hostPort(a.url))
    .replaceAll("${CONSOLE_B}", hostPort(b.url));
  expect(site).not.toContain("${");
  writeFileSync(join(prefix, "console.conf"), site);
  // The main file a Debian install has around conf.d, with every path inside the prefix.
  writeFileSync(
    join(prefix, "nginx.conf"),
    [
      "daemon off;",
      "worker_processes 1;",
      `pid ${join(prefix, "nginx.pid")};`,
      "error_log stderr crit;",
      "events { worker_connections 256; }",
      "http {",
      "  access_log off;",
      ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map(
        (kind) => `  ${kind}_temp_path ${join(prefix, kind)};`,
      ),
      `  include ${join(prefix, "console.conf")};`,
      "}",
    ].join("\n"),
  );
  nginx = spawn(NGINX, ["-p", prefix, "-c", join(prefix, "nginx.conf")], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (nginx.exitCode !== null) throw new Error(`nginx exited with code ${nginx.exitCode}`);
    if (typeof (await health().catch(() => 0)) === "string") break;
    if (Date.now() > deadline) throw new Error("nginx did not answer within 10 s");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});

afterAll(async () => {
  if (nginx && nginx.exitCode === null) {
    const exited = new Promise((resolve) => nginx.once("exit", resolve));
    nginx.kill("SIGTERM");
    await exited;
  }
  await a?.stop();
  if (!bStopped) await b?.stop();
  if (prefix) rmSync(prefix, { recursive: true, force: true });
});

it("requests through nginx reach both consoles", async () => {
  const seen = new Set<string | number>();
  for (let i = 0; i < 10; i++) seen.add(await health());
  expect(seen).toEqual(new Set([a.deps.instanceId, b.deps.instanceId]));
});

it("an event stream passes unbuffered: a change arrives within a second, and again after the read timeout", async () => {
  const readTimeout = Number(/proxy_read_timeout (\d+)s;/.exec(CONFIG)?.[1]);
  expect(readTimeout).toBeGreaterThan(15);
  const admin = new Client(url);
  expect((await admin.signIn("admin", ADMIN_PASSWORD)).status).toBe(200);
  const events = await SseReader.open(admin);
  try {
    expect(events.status).toBe(200);
    const queueEvent = (id: string) => (event: { event: string | undefined; data: string }) =>
      event.event === "queue" && event.data.includes(`"${id}"`);
    await admin.createQueue("2600");
    await events.waitFor(queueEvent("2600"), 1000);
    // Quiet for longer than nginx's read timeout: only the console's heartbeats pass, and keep it open.
    await new Promise((resolve) => setTimeout(resolve, (readTimeout + 3) * 1000));
    await admin.createQueue("2601");
    await events.waitFor(queueEvent("2601"), 1000);
  } finally {
    events.close();
  }
}, 60_000);

it("with one console gone, requests go on through the other", async () => {
  const admin = new Client(url);
  expect((await admin.signIn("admin", ADMIN_PASSWORD)).status).toBe(200);
  bStopped = true;
  await b.stop();
  const answers: (string | number)[] = [];
  for (let i = 0; i < 10; i++) answers.push(await health());
  expect(answers).toEqual(Array.from({ length: 10 }, () => a.deps.instanceId));
  // A write through the balancer lands on the console that is left.
  const created = await admin.call("POST /queues", { body: { id: "2602", name: "After" } });
  expect(created.status).toBe(201);
  expect(
    defined(
      (await a.admin.queues()).find((q) => q.id === "2602"),
      "the new queue",
    ).name,
  ).toBe("After");
});
