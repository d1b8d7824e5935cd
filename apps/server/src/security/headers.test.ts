// Security headers on every kind of response (issue 6, "Attack"): API JSON, API errors (400, 401, 403, 404,
// 413), the live stream, a static asset, index.html, an SPA route and a 404. CSP without unsafe-inline and
// with frame-ancestors 'none', nosniff, a referrer policy, X-Frame-Options; API answers are not cacheable;
// HSTS only over HTTPS (behind a trusted proxy that says so), never over plain HTTP.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, type TestConsole, startTestConsole } from "../test-support.ts";

let dir: string;
let plain: TestConsole;
let proxied: TestConsole;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "crystal-headers-"));
  mkdirSync(join(dir, "assets"));
  writeFileSync(join(dir, "index.html"), "<!doctype html><title>Crystal Console</title>");
  writeFileSync(join(dir, "assets", "app-abc123.js"), "console.log(1);");
  plain = await startTestConsole({ WEB_DIST: dir });
  proxied = await startTestConsole({ WEB_DIST: dir, TRUST_PROXY: "true" });
});

afterAll(async () => {
  await plain?.stop();
  await proxied?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The status and headers of a streaming response, then the connection is closed. */
function streamHeaders(t: TestConsole, path: string, headers: Record<string, string>) {
  const url = new URL(t.url);
  return new Promise<{ status: number; headers: Headers }>((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, headers }, (res) => {
      const received = new Headers();
      for (const [name, value] of Object.entries(res.headers))
        if (value !== undefined) received.set(name, String(value));
      req.destroy();
      resolve({ status: res.statusCode ?? 0, headers: received });
    });
    req.on("error", reject);
    req.end();
  });
}

type Kind = { kind: string; status: number; headers: Headers; api: boolean };

/** One response of every kind the console gives, each fetched with `extra` headers. */
async function everyKind(t: TestConsole, extra: Record<string, string>): Promise<Kind[]> {
  // A session valid for this scheme (over HTTPS the cookie is the __Host- one).
  const signIn = await fetch(`${t.url}/api/session`, {
    method: "POST",
    headers: { ...extra, "content-type": "application/json", "x-requested-with": "crystal-console" },
    body: JSON.stringify({ username: "admin", password: ADMIN_PASSWORD }),
  });
  expect(signIn.status).toBe(200);
  const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const signedIn = { ...extra, cookie };
  const write = { ...signedIn, "content-type": "application/json", "x-requested-with": "crystal-console" };
  const requests: { kind: string; path: string; init?: RequestInit; status: number }[] = [
    { kind: "sign-in (JSON)", path: "", status: 200 },
    { kind: "API JSON", path: "/api/health", init: { headers: extra }, status: 200 },
    { kind: "API JSON, signed in", path: "/api/agents", init: { headers: signedIn }, status: 200 },
    { kind: "API 401", path: "/api/agents", init: { headers: extra }, status: 401 },
    { kind: "API 404", path: "/api/nope", init: { headers: signedIn }, status: 404 },
    {
      kind: "API 403 CSRF",
      path: "/api/queues",
      init: { method: "POST", headers: { ...signedIn, "content-type": "application/json" }, body: "{}" },
      status: 403,
    },
    {
      kind: "API 400",
      path: "/api/queues",
      init: { method: "POST", headers: write, body: "{}" },
      status: 400,
    },
    {
      kind: "API 413",
      path: "/api/queues",
      init: { method: "POST", headers: write, body: JSON.stringify({ x: "x".repeat(70_000) }) },
      status: 413,
    },
    { kind: "static asset", path: "/assets/app-abc123.js", init: { headers: extra }, status: 200 },
    { kind: "index.html", path: "/", init: { headers: extra }, status: 200 },
    { kind: "SPA route", path: "/agents/3001", init: { headers: extra }, status: 200 },
    { kind: "404 (dotfile)", path: "/.env", init: { headers: extra }, status: 404 },
    { kind: "404 (missing asset)", path: "/assets/nope-1.js", init: { headers: extra }, status: 404 },
  ];
  const kinds: Kind[] = [
    { kind: "sign-in (JSON)", status: signIn.status, headers: signIn.headers, api: true },
  ];
  for (const request of requests.slice(1)) {
    const response = await fetch(`${t.url}${request.path}`, request.init);
    await response.body?.cancel();
    expect({ kind: request.kind, status: response.status }).toEqual({
      kind: request.kind,
      status: request.status,
    });
    kinds.push({
      kind: request.kind,
      status: response.status,
      headers: response.headers,
      api: request.path.startsWith("/api"),
    });
  }
  // The live stream: read its headers, then hang up (node:http, so the socket really closes at once).
  const sse = await streamHeaders(t, "/api/events", signedIn);
  expect(sse.headers.get("content-type")).toMatch(/text\/event-stream/);
  kinds.push({ kind: "SSE", status: sse.status, headers: sse.headers, api: true });
  return kinds;
}

function expectSecurityHeaders({ kind, headers, api }: Kind) {
  const csp = headers.get("content-security-policy") ?? "";
  const directives = new Map(
    csp
      .split(";")
      .map((part) => part.trim().split(/\s+/))
      .map(([name, ...values]) => [name ?? "", values] as const),
  );
  const context = `${kind}: ${csp}`;
  expect(directives.get("default-src"), context).toEqual(["'self'"]);
  expect(directives.get("frame-ancestors"), context).toEqual(["'none'"]);
  expect(directives.get("object-src"), context).toEqual(["'none'"]);
  for (const name of ["script-src", "style-src"]) {
    expect(directives.get(name), context).toEqual(["'self'"]);
  }
  expect(csp, context).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  expect(headers.get("x-content-type-options"), kind).toBe("nosniff");
  expect(headers.get("x-frame-options"), kind).toBe("DENY");
  expect(["no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"]).toContain(
    headers.get("referrer-policy"),
  );
  expect(headers.get("x-powered-by"), kind).toBeNull();
  if (api) expect(headers.get("cache-control"), kind).toMatch(/^(no-store|no-cache)$/);
}

describe("over plain HTTP", () => {
  it("every kind of response carries the security headers and no HSTS", async () => {
    const kinds = await everyKind(plain, {});
    expect(kinds).toHaveLength(14);
    for (const kind of kinds) {
      expectSecurityHeaders(kind);
      expect(kind.headers.get("strict-transport-security"), kind.kind).toBeNull();
    }
  });

  it("a forged X-Forwarded-Proto is ignored when the proxy is not trusted: still no HSTS", async () => {
    for (const kind of await everyKind(plain, { "x-forwarded-proto": "https" })) {
      expect(kind.headers.get("strict-transport-security"), kind.kind).toBeNull();
    }
  });

  it("behind a trusted proxy that says http (or says nothing): no HSTS", async () => {
    for (const extra of [{}, { "x-forwarded-proto": "http" }] as Record<string, string>[]) {
      for (const kind of await everyKind(proxied, extra)) {
        expectSecurityHeaders(kind);
        expect(kind.headers.get("strict-transport-security"), kind.kind).toBeNull();
      }
    }
  });
});

describe("over HTTPS (TRUST_PROXY=true and X-Forwarded-Proto: https)", () => {
  it("every kind of response carries the security headers and HSTS for at least a year", async () => {
    for (const kind of await everyKind(proxied, { "x-forwarded-proto": "https" })) {
      expectSecurityHeaders(kind);
      const hsts = kind.headers.get("strict-transport-security") ?? "";
      const maxAge = Number(/max-age=(\d+)/.exec(hsts)?.[1] ?? 0);
      expect(maxAge, `${kind.kind}: ${hsts}`).toBeGreaterThanOrEqual(31_536_000);
    }
  });
});
