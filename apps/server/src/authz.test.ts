// The authorization matrix (design.md rule 6): every route of the contract × every role, on the server.
import { type RouteKey, routeUrl } from "@crystal-console/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, SUPERVISOR_PASSWORD, type TestConsole, startTestConsole } from "./test-support.ts";

type Role = "anon" | "agent" | "viewer" | "supervisor" | "admin";
const ROLES: Role[] = ["anon", "agent", "viewer", "supervisor", "admin"];

const AGENT_ID = "1001";
const OTHER_AGENT_ID = "1002";
const AGENT_PASSWORD = "pw-1001";

let t: TestConsole;
const clients = {} as Record<Role, Client>;
let counter = 0;
const fresh = () => String(5000 + ++counter);

const credentials: Record<Exclude<Role, "anon">, [string, string]> = {
  agent: [AGENT_ID, AGENT_PASSWORD],
  viewer: ["vera", SUPERVISOR_PASSWORD],
  supervisor: ["sue", SUPERVISOR_PASSWORD],
  admin: ["admin", "admin-password-123"],
};

async function signedIn(role: Role): Promise<Client> {
  const client = t.client();
  if (role !== "anon") await client.signIn(...credentials[role]);
  return client;
}

beforeAll(async () => {
  t = await startTestConsole();
  await t.admin.createQueue("2000");
  await t.admin.createQueue("2001");
  await t.admin.createAgent(AGENT_ID, "2000", AGENT_PASSWORD);
  await t.admin.createAgent(OTHER_AGENT_ID, "2000");
  await t.admin.createSupervisor("sue");
  await t.admin.createUser("vera", "viewer", SUPERVISOR_PASSWORD);
  for (const role of ROLES) clients[role] = await signedIn(role);
});

afterAll(async () => {
  await t?.stop();
});

type Request = {
  route: RouteKey;
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  client?: Client;
};
type Row = {
  route: string;
  /** Builds the request for a role; may create what the request needs (as admin). */
  request: (role: Role) => Request | Promise<Request>;
  expect: Record<Role, number>;
};

const everyone = (status: number) => ({
  anon: status,
  agent: status,
  viewer: status,
  supervisor: status,
  admin: status,
});
/** Reads for anyone signed in (the viewer included). */
const signedInOnly = (status: number) => ({ ...everyone(status), anon: 401 });
/** Reads of the whole board: not an agent's. */
const watchers = (status: number) => ({ ...signedInOnly(status), agent: 403 });
/** A write anyone signed in may make (on what is theirs), but never a viewer. */
const actors = (status: number) => ({ ...signedInOnly(status), viewer: 403 });
const staff = (status: number) => ({ ...watchers(status), viewer: 403 });
const adminOnly = (status: number) => ({ ...staff(status), supervisor: 403 });

const HISTORY_RANGE = { from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z" };
const REPORT_RANGE = { from: "2026-01-01", to: "2026-01-31" };

const rows: Row[] = [
  {
    route: "GET /api/health",
    request: () => ({ route: "GET /health" }),
    expect: everyone(200),
  },
  {
    route: "POST /api/session",
    request: async (role) => ({
      route: "POST /session",
      body: { username: "sue", password: SUPERVISOR_PASSWORD },
      client: await signedIn(role),
    }),
    expect: everyone(200),
  },
  {
    route: "GET /api/session",
    request: () => ({ route: "GET /session" }),
    expect: signedInOnly(200),
  },
  {
    // Signing out without a session is a no-op that clears the cookie (idempotent), so it is 204 for anyone.
    route: "DELETE /api/session",
    request: async (role) => ({ route: "DELETE /session", client: await signedIn(role) }),
    expect: everyone(204),
  },
  {
    route: "GET /api/agents",
    request: () => ({ route: "GET /agents" }),
    expect: signedInOnly(200),
  },
  {
    route: "GET /api/agents/retired",
    request: () => ({ route: "GET /agents/retired" }),
    expect: staff(200),
  },
  {
    route: "GET /api/agents/:id (the agent's own)",
    request: () => ({ route: "GET /agents/:id", params: { id: AGENT_ID } }),
    expect: signedInOnly(200),
  },
  {
    route: "POST /api/agents",
    request: () => ({
      route: "POST /agents",
      body: { id: fresh(), name: "New Agent", password: "secret1", outQueueId: "2000" },
    }),
    expect: adminOnly(201),
  },
  {
    route: "PATCH /api/agents/:id",
    request: () => ({
      route: "PATCH /agents/:id",
      params: { id: OTHER_AGENT_ID },
      body: { name: `Renamed ${fresh()}` },
    }),
    expect: adminOnly(200),
  },
  {
    route: "DELETE /api/agents/:id",
    request: async () => {
      const id = fresh();
      await t.admin.createAgent(id, "2000");
      return { route: "DELETE /agents/:id", params: { id } };
    },
    expect: adminOnly(204),
  },
  {
    route: "POST /api/agents/:id/state (the agent's own)",
    request: () => ({
      route: "POST /agents/:id/state",
      params: { id: AGENT_ID },
      body: { action: "logoff" },
    }),
    expect: actors(200),
  },
  {
    route: "POST /api/agents/state (bulk)",
    request: () => ({ route: "POST /agents/state", body: { agentIds: [OTHER_AGENT_ID], action: "logoff" } }),
    expect: staff(200),
  },
  { route: "GET /api/alerts", request: () => ({ route: "GET /alerts" }), expect: watchers(200) },
  { route: "GET /api/policy", request: () => ({ route: "GET /policy" }), expect: watchers(200) },
  {
    route: "PUT /api/policy",
    request: () => ({
      route: "PUT /policy",
      body: { pauseLimitSeconds: { Break: 900 }, queueMinimumOnline: { "2000": 1 } },
    }),
    expect: adminOnly(200),
  },
  {
    route: "GET /api/queues",
    request: () => ({ route: "GET /queues" }),
    expect: signedInOnly(200),
  },
  {
    route: "POST /api/queues",
    request: () => ({ route: "POST /queues", body: { id: fresh(), name: "New Queue" } }),
    expect: adminOnly(201),
  },
  {
    route: "PATCH /api/queues/:id",
    request: () => ({
      route: "PATCH /queues/:queueId",
      params: { queueId: "2001" },
      body: { name: `Renamed ${fresh()}` },
    }),
    expect: adminOnly(200),
  },
  {
    route: "DELETE /api/queues/:id",
    request: async () => {
      const id = fresh();
      await t.admin.createQueue(id);
      return { route: "DELETE /queues/:queueId", params: { queueId: id } };
    },
    expect: adminOnly(204),
  },
  {
    route: "PUT /api/queues/:queueId/agents/:agentId",
    request: () => ({
      route: "PUT /queues/:queueId/agents/:agentId",
      params: { queueId: "2001", agentId: OTHER_AGENT_ID },
    }),
    expect: staff(200),
  },
  {
    route: "DELETE /api/queues/:queueId/agents/:agentId",
    request: () => ({
      route: "DELETE /queues/:queueId/agents/:agentId",
      params: { queueId: "2001", agentId: OTHER_AGENT_ID },
    }),
    expect: staff(204),
  },
  { route: "GET /api/users", request: () => ({ route: "GET /users" }), expect: adminOnly(200) },
  {
    route: "POST /api/users",
    request: () => ({
      route: "POST /users",
      body: { username: `user${fresh()}`, role: "supervisor", password: "a-long-password" },
    }),
    expect: adminOnly(201),
  },
  {
    route: "PATCH /api/users/:username",
    request: async () => {
      const username = `user${fresh()}`;
      await t.admin.createSupervisor(username);
      return { route: "PATCH /users/:username", params: { username }, body: { role: "admin" } };
    },
    expect: adminOnly(200),
  },
  {
    route: "DELETE /api/users/:username",
    request: async () => {
      const username = `user${fresh()}`;
      await t.admin.createSupervisor(username);
      return { route: "DELETE /users/:username", params: { username } };
    },
    expect: adminOnly(204),
  },
  { route: "GET /api/audit", request: () => ({ route: "GET /audit" }), expect: staff(200) },
  {
    route: "GET /api/agents/:id/history (its own)",
    request: () => ({ route: "GET /agents/:id/history", params: { id: AGENT_ID }, query: HISTORY_RANGE }),
    expect: actors(200),
  },
  {
    route: "GET /api/agents/:id/history (another agent's)",
    request: () => ({
      route: "GET /agents/:id/history",
      params: { id: OTHER_AGENT_ID },
      query: HISTORY_RANGE,
    }),
    expect: staff(200),
  },
  {
    route: "GET /api/reports/agent-time",
    request: () => ({ route: "GET /reports/agent-time", query: REPORT_RANGE }),
    expect: staff(200),
  },
  {
    route: "GET /api/reports/agent-time.csv",
    request: () => ({ route: "GET /reports/agent-time.csv", query: REPORT_RANGE }),
    expect: staff(200),
  },
  {
    route: "GET /api/reports/timeline",
    request: () => ({ route: "GET /reports/timeline", query: { date: REPORT_RANGE.from } }),
    expect: staff(200),
  },
  {
    route: "GET /api/events",
    request: () => ({ route: "GET /events" }),
    expect: signedInOnly(200),
  },
  {
    route: "GET /api/pause-reasons",
    request: () => ({ route: "GET /pause-reasons" }),
    expect: signedInOnly(200),
  },
];

/** Sends a request; an event stream is only opened, checked and closed. */
async function send(client: Client, request: Request) {
  if (request.route === "GET /events") {
    const controller = new AbortController();
    const response = await fetch(`${client.baseUrl}${routeUrl(request.route)}`, {
      headers: client.cookie ? { cookie: client.cookie } : {},
      signal: controller.signal,
    });
    const contentType = response.headers.get("content-type") ?? "";
    const body: unknown = contentType.includes("json") ? await response.json() : undefined;
    controller.abort();
    return { status: response.status, body: body as { error?: { code: string } } | undefined };
  }
  return client.unchecked(request.route, {
    params: request.params,
    query: request.query,
    body: request.body,
  });
}

describe.each(rows)("$route", (row) => {
  it.each(ROLES)("as %s", async (role) => {
    const request = await row.request(role);
    t.pbx.clearCalls();
    const reply = await send(request.client ?? clients[role], request);
    const expected = row.expect[role];
    expect(reply.status).toBe(expected);
    if (expected === 401) expect(reply.body?.error?.code).toBe("UNAUTHENTICATED");
    if (expected === 403) expect(reply.body?.error?.code).toBe("FORBIDDEN");
    // A refused request reaches no PBX.
    if (expected >= 400) expect(t.pbx.calls()).toEqual([]);
  });
});

describe("direct object references: an agent acting on another agent", () => {
  it("cannot read another agent", async () => {
    const reply = await clients.agent.call("GET /agents/:id", { params: { id: OTHER_AGENT_ID } });
    expect(reply.status).toBe(403);
    expect(reply.body.error.code).toBe("FORBIDDEN");
  });

  it("sees only itself in the list", async () => {
    const agents = await clients.agent.agents();
    expect(agents.map((agent) => agent.id)).toEqual([AGENT_ID]);
  });

  it.each([
    { action: "login", extension: "555" },
    { action: "logoff" },
    { action: "pause", reason: "Break" },
    { action: "online" },
    { action: "mission" },
    { action: "nonsense" },
  ])("cannot change another agent's state ($action), and the PBX hears nothing", async (body) => {
    const before = await t.admin.agent(OTHER_AGENT_ID);
    t.pbx.clearCalls();
    const reply = await clients.agent.unchecked("POST /agents/:id/state", {
      params: { id: OTHER_AGENT_ID },
      body,
    });
    expect(reply.status).toBe(403);
    expect(reply.body.error.code).toBe("FORBIDDEN");
    expect(t.pbx.calls()).toEqual([]);
    expect(await t.admin.agent(OTHER_AGENT_ID)).toEqual(before);
  });

  it("cannot assign itself to a queue", async () => {
    t.pbx.clearCalls();
    const reply = await clients.agent.call("PUT /queues/:queueId/agents/:agentId", {
      params: { queueId: "2001", agentId: AGENT_ID },
    });
    expect(reply.status).toBe(403);
    expect(t.pbx.calls()).toEqual([]);
  });
});

describe("CSRF: every state-changing request needs X-Requested-With", () => {
  const writes: Request[] = [
    { route: "POST /session", body: { username: "admin", password: "admin-password-123" } },
    { route: "DELETE /session" },
    {
      route: "POST /agents",
      body: { id: "6999", name: "X", password: "p", outQueueId: "2000" },
    },
    { route: "PATCH /agents/:id", params: { id: OTHER_AGENT_ID }, body: { name: "CSRF" } },
    { route: "DELETE /agents/:id", params: { id: OTHER_AGENT_ID } },
    {
      route: "POST /agents/:id/state",
      params: { id: OTHER_AGENT_ID },
      body: { action: "login", extension: "510" },
    },
    { route: "POST /queues", body: { id: "6998", name: "X" } },
    { route: "PATCH /queues/:queueId", params: { queueId: "2000" }, body: { name: "CSRF" } },
    { route: "DELETE /queues/:queueId", params: { queueId: "2000" } },
    { route: "PUT /queues/:queueId/agents/:agentId", params: { queueId: "2001", agentId: OTHER_AGENT_ID } },
    {
      route: "DELETE /queues/:queueId/agents/:agentId",
      params: { queueId: "2000", agentId: OTHER_AGENT_ID },
    },
    {
      route: "POST /users",
      body: { username: "csrf", role: "admin", password: "a-long-password" },
    },
    { route: "PATCH /users/:username", params: { username: "sue" }, body: { disabled: true } },
    { route: "DELETE /users/:username", params: { username: "sue" } },
  ];

  it.each(writes)("$route without the header → 403 CSRF, nothing sent or stored", async (request) => {
    const before = {
      agents: await t.admin.agents(),
      queues: await t.admin.queues(),
      users: (await t.admin.call("GET /users")).body as unknown,
    };
    t.pbx.clearCalls();
    const reply = await t.admin.unchecked(request.route, {
      params: request.params,
      body: request.body,
      csrf: false,
    });
    expect(reply.status).toBe(403);
    expect(reply.body.error.code).toBe("CSRF");
    expect(t.pbx.calls()).toEqual([]);
    expect(await t.admin.agents()).toEqual(before.agents);
    expect(await t.admin.queues()).toEqual(before.queues);
    expect((await t.admin.call("GET /users")).body).toEqual(before.users);
    // The admin's session survived (the sign-out above was refused).
    expect((await t.admin.call("GET /session")).status).toBe(200);
  });

  it("a wrong header value is refused too", async () => {
    const reply = await t.admin.call("POST /queues", {
      body: { id: "6997", name: "X" },
      csrf: false,
      headers: { "x-requested-with": "XMLHttpRequest" },
    });
    expect(reply.status).toBe(403);
    expect(reply.body.error.code).toBe("CSRF");
  });
});
