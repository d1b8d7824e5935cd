// Static serving (issue 6, "Attack"): against a dist folder made here (so the test does not depend on the
// SPA build) holding an index, a hashed asset, its source map, dotfiles, and a secret file beside it.
// Path traversal, dotfiles and source maps are never served (404 or the SPA's index, never the file);
// hashed assets are cached forever and index.html never without revalidation.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestConsole, startTestConsole } from "../test-support.ts";

const INDEX =
  '<!doctype html><html><head><title>Crystal Console</title><script type="module" src="/assets/app-abc123.js"></script></head><body><div id="root"></div></body></html>';
const ASSET = "console.log('crystal console app');";
/** Markers of content that must never be served. */
const SECRETS = {
  map: "SOURCE-MAP-CONTENT",
  env: "DOTENV-CONTENT",
  hidden: "HIDDEN-ASSET-CONTENT",
  git: "GIT-CONFIG-CONTENT",
  outside: "OUTSIDE-DIST-CONTENT",
};
const LEAKS = [...Object.values(SECRETS), "root:x:0:0", '"packageManager"', "better-sqlite3"];

let dir: string;
let t: TestConsole;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "crystal-static-"));
  const dist = join(dir, "dist");
  mkdirSync(join(dist, "assets"), { recursive: true });
  mkdirSync(join(dist, ".git"));
  writeFileSync(join(dist, "index.html"), INDEX);
  writeFileSync(join(dist, "favicon.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
  writeFileSync(join(dist, "assets", "app-abc123.js"), `${ASSET}\n//# sourceMappingURL=app-abc123.js.map`);
  writeFileSync(join(dist, "assets", "app-abc123.js.map"), `{"version":3,"x":"${SECRETS.map}"}`);
  writeFileSync(join(dist, "assets", ".hidden"), SECRETS.hidden);
  writeFileSync(join(dist, ".env"), `PBX_SECURE=${SECRETS.env}`);
  writeFileSync(join(dist, ".git", "config"), SECRETS.git);
  writeFileSync(join(dir, "outside.txt"), SECRETS.outside);
  t = await startTestConsole({ WEB_DIST: dist });
});

afterAll(async () => {
  await t?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A GET (or HEAD) with the path sent byte for byte: fetch() would normalise `..` away before sending. */
function raw(
  path: string,
  method = "GET",
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const url = new URL(t.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: Object.fromEntries(
            Object.entries(res.headers).map(([name, value]) => [name, String(value)]),
          ),
          body,
        }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

function expectNotServed(reply: { status: number; body: string }) {
  if (reply.status === 200) expect(reply.body).toBe(INDEX);
  else expect(reply.status).toBe(404);
  for (const leak of LEAKS) expect(reply.body).not.toContain(leak);
}

describe("never served", () => {
  const traversal = [
    "/../outside.txt",
    "/../../../../etc/passwd",
    "/%2e%2e/outside.txt",
    "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/%2E%2E%2Foutside.txt",
    "/..%2foutside.txt",
    "/assets/../../outside.txt",
    "/assets/..%2f..%2foutside.txt",
    "/assets/..%2f..%2f..%2f..%2fpackage.json",
    "/assets/%2e%2e/%2e%2e/outside.txt",
    "/assets/..%5c..%5coutside.txt",
    "/assets/%252e%252e/%252e%252e/outside.txt",
    "/..;/outside.txt",
    "//etc/passwd",
    "/assets//../../outside.txt",
    "/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
  ];
  it.each(traversal)("path traversal: %s", async (path) => {
    expectNotServed(await raw(path));
  });

  const dotfiles = [
    "/.env",
    "/%2eenv",
    "/.git/config",
    "/%2egit/config",
    "/assets/.hidden",
    "/assets/%2ehidden",
    "/assets/./.hidden",
  ];
  it.each(dotfiles)("dotfile: %s", async (path) => {
    expectNotServed(await raw(path));
    expectNotServed(await raw(path, "HEAD"));
  });

  const maps = [
    "/assets/app-abc123.js.map",
    "/assets/app-abc123.js.ma%70",
    "/assets/app-abc123.js%2emap",
    "/assets/app-abc123.js.map/",
    "/assets/app-abc123.js.map?x=1",
    "/assets/app-abc123.js.map;x",
  ];
  it.each(maps)("source map: %s", async (path) => {
    expectNotServed(await raw(path));
  });
});

describe("served, with the right caching", () => {
  it("a hashed asset: its content, cached for a year and immutable", async () => {
    const reply = await raw("/assets/app-abc123.js");
    expect(reply.status).toBe(200);
    expect(reply.body.startsWith(ASSET)).toBe(true);
    expect(reply.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(reply.headers["content-type"]).toMatch(/javascript/);
  });

  it.each(["/", "/index.html", "/agents", "/queues/2000"])(
    "%s: the index, revalidated every time",
    async (path) => {
      const reply = await raw(path);
      expect(reply.status).toBe(200);
      expect(reply.body).toBe(INDEX);
      expect(reply.headers["cache-control"]).toBe("no-cache");
    },
  );

  it("a missing asset is 404, not the index (a browser would run it as a script)", async () => {
    const reply = await raw("/assets/app-missing1.js");
    expect(reply.status).toBe(404);
    expect(reply.body).not.toContain("<html");
    expect(reply.headers["cache-control"] ?? "").not.toContain("immutable");
  });
});
