// Cross-site requests (issue 6, "Attack"; design.md rule 7): another site in the same browser can send a
// form post or a "simple" fetch with the user's cookie, but it cannot add a custom header without a CORS
// preflight, and the console approves no preflight. So: every such write → 403 CSRF with nothing done, and
// no response ever carries an Access-Control-Allow-* header.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, type TestConsole, registrySnapshot, startTestConsole } from "../test-support.ts";

const EVIL = "https://evil.example";

let t: TestConsole;

beforeAll(async () => {
  t = await startTestConsole();
  await t.admin.createQueue("2000", "Sales");
  await t.admin.createAgent("3001", "2000");
  expect((await t.admin.state("3001", { action: "login", extension: "501" })).status).toBe(200);
});

afterAll(async () => {
  await t?.stop();
});

/** A request as another site's page would make it: its Origin, the victim's cookie, no custom header. */
async function crossSite(method: string, path: string, body: string, contentType: string) {
  const response = await fetch(`${t.url}${path}`, {
    method,
    headers: {
      origin: EVIL,
      referer: `${EVIL}/attack.html`,
      "content-type": contentType,
      cookie: t.admin.cookie ?? "",
      "sec-fetch-site": "cross-site",
    },
    body,
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

function accessControlHeaders(headers: Headers): string[] {
  return [...headers.keys()].filter((name) => name.toLowerCase().startsWith("access-control-"));
}

const FORM = "application/x-www-form-urlencoded";
const forgeries = [
  { path: "/api/session", form: `username=admin&password=${ADMIN_PASSWORD}` },
  { path: "/api/agents", form: "id=3999&name=Forged&password=pw&outQueueId=2000" },
  { path: "/api/agents/3001/state", form: "action=logoff" },
  { path: "/api/queues", form: "id=2999&name=Forged" },
  { path: "/api/users", form: "username=mallory&role=admin&password=mallory-password-1" },
];

describe("forged writes from another site → 403 CSRF, nothing done", () => {
  it.each(forgeries)("form post to $path", async ({ path, form }) => {
    const before = await registrySnapshot(t.admin);
    const users = (await t.admin.call("GET /users")).body.users;
    t.pbx.clearCalls();
    for (const [body, type] of [
      [form, FORM],
      // The classic JSON CSRF: a "simple" request with a JSON body labelled text/plain, and multipart.
      [JSON.stringify(Object.fromEntries(new URLSearchParams(form))), "text/plain"],
      [JSON.stringify(Object.fromEntries(new URLSearchParams(form))), "application/json"],
      [form, "multipart/form-data; boundary=x"],
    ] as const) {
      const reply = await crossSite("POST", path, body, type);
      expect({ type, status: reply.status, body: reply.body }).toMatchObject({
        type,
        status: 403,
        body: { error: { code: "CSRF" } },
      });
      expect(reply.headers.get("set-cookie")).toBeNull();
      expect(accessControlHeaders(reply.headers)).toEqual([]);
    }
    expect(t.pbx.calls()).toEqual([]);
    expect(await registrySnapshot(t.admin)).toEqual(before);
    expect((await t.admin.call("GET /users")).body.users).toEqual(users);
    expect((await t.admin.agent("3001"))?.status).toBe("online");
  });

  it("PUT, PATCH and DELETE without the header are refused the same way", async () => {
    t.pbx.clearCalls();
    for (const [method, path] of [
      ["PUT", "/api/queues/2000/agents/3001"],
      ["PATCH", "/api/agents/3001"],
      ["DELETE", "/api/agents/3001"],
      ["DELETE", "/api/session"],
    ] as const) {
      const reply = await crossSite(method, path, '{"name":"X"}', "application/json");
      expect({ method, path, status: reply.status }).toEqual({ method, path, status: 403 });
    }
    expect(t.pbx.calls()).toEqual([]);
    // The admin's session survived the forged sign-out.
    expect((await t.admin.call("GET /session")).status).toBe(200);
  });

  it("with the header but a form body (not JSON) → 400, nothing sent", async () => {
    t.pbx.clearCalls();
    const form = await fetch(`${t.url}/api/agents/3001/state`, {
      method: "POST",
      headers: { cookie: t.admin.cookie ?? "", "x-requested-with": "crystal-console", "content-type": FORM },
      body: "action=logoff",
    });
    expect(form.status).toBe(400);
    expect(((await form.json()) as { error: { code: string } }).error.code).toBe("VALIDATION");
    expect(t.pbx.calls()).toEqual([]);
    expect((await t.admin.agent("3001"))?.status).toBe("online");
  });
});

describe("no CORS for other origins", () => {
  const paths = ["/api/session", "/api/agents", "/api/agents/3001/state", "/api/health", "/api/events", "/"];

  it.each(paths)("a preflight for %s from another origin is not approved", async (path) => {
    const response = await fetch(`${t.url}${path}`, {
      method: "OPTIONS",
      headers: {
        origin: EVIL,
        "access-control-request-method": "POST",
        "access-control-request-headers": "x-requested-with, content-type",
        cookie: t.admin.cookie ?? "",
      },
    });
    await response.body?.cancel();
    expect(accessControlHeaders(response.headers)).toEqual([]);
    expect(response.status).not.toBe(204);
  });

  it.each(paths.filter((path) => path !== "/api/events"))(
    "a read of %s with another Origin gets no Access-Control-Allow-* (the page can't read it)",
    async (path) => {
      const response = await fetch(`${t.url}${path}`, {
        headers: { origin: EVIL, cookie: t.admin.cookie ?? "" },
      });
      await response.body?.cancel();
      expect(accessControlHeaders(response.headers)).toEqual([]);
    },
  );
});
