// The contract table (packages/api/src/routes.ts) and the server agree: the app registers exactly the
// table's routes; a scenario against the simulator calls every one of them and each answer is the one the
// table declares (the test client parses every JSON answer with its schema: test-support's checkAnswer);
// every live event parses with the event schema; who may call each route is what the table says; and
// GET /api/openapi.json serves the document generated from the table, to anyone.
import {
  API_PREFIX,
  type RouteKey,
  type RouteSpec,
  consoleEventSchema,
  roles,
  routes,
  splitRouteKey,
} from "@crystal-console/api";
import { createOpenApiDocument } from "@crystal-console/api/openapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../app.ts";
import {
  ADMIN_PASSWORD,
  type Client,
  SseReader,
  type TestConsole,
  answered,
  eventually,
  startTestConsole,
} from "../test-support.ts";

let t: TestConsole;

beforeAll(async () => {
  t = await startTestConsole();
});

afterAll(async () => {
  await t?.stop();
});

const routeKeys = Object.keys(routes) as RouteKey[];

describe("the app and the contract table", () => {
  it("the app registers exactly the table's routes under /api, and no other", () => {
    const app = createApp(t.deps, "/nonexistent");
    const registered = new Set(
      app.routes
        .filter((route) => route.method !== "ALL" && route.path.startsWith(`${API_PREFIX}/`))
        .map((route) => `${route.method} ${route.path}`),
    );
    const declared = routeKeys.map((key) => {
      const { method, path } = splitRouteKey(key);
      return `${method} ${API_PREFIX}${path}`;
    });
    expect([...registered].sort()).toEqual([...declared].sort());
  });

  it("a scenario calls every route, each answer as the table declares it, every event as the event schema", async () => {
    const events = await SseReader.open(t.admin);
    expect(events.status).toBe(200);
    expect(events.contentType).toMatch(/^text\/event-stream/);
    const admin = t.admin;
    const ok = async <T extends { status: number; text: string }>(reply: Promise<T>, status = 200) => {
      const answer = await reply;
      expect(answer.status, answer.text).toBe(status);
      return answer;
    };

    await ok(t.client().call("GET /health"));
    await ok(t.client().call("GET /openapi.json"));
    const visitor = t.client();
    await ok(visitor.call("POST /session", { body: { username: "admin", password: ADMIN_PASSWORD } }));
    await ok(visitor.call("GET /session"));
    const chosen = await ok(visitor.call("PUT /session/language", { body: { language: "he" } }));
    expect(chosen.body.user.language).toBe("he");
    await ok(visitor.call("DELETE /session"), 204);
    await ok(admin.call("GET /pause-reasons"));

    await ok(admin.call("POST /queues", { body: { id: "2000", name: "Sales" } }), 201);
    await ok(admin.call("POST /queues", { body: { id: "2001", name: "Support" } }), 201);
    await ok(admin.call("PATCH /queues/:queueId", { params: { queueId: "2001" }, body: { name: "Help" } }));
    await ok(admin.call("GET /queues"));

    const agent = { id: "3001", name: "Dana", password: "pw-3001", outQueueId: "2000" };
    await ok(admin.call("POST /agents", { body: agent }), 201);
    await ok(admin.call("PATCH /agents/:id", { params: { id: "3001" }, body: { name: "Dana Levi" } }));
    const membership = { params: { queueId: "2001", agentId: "3001" } };
    await ok(admin.call("PUT /queues/:queueId/agents/:agentId", membership));
    await ok(admin.call("DELETE /queues/:queueId/agents/:agentId", membership), 204);
    const state = (body: Parameters<Client["state"]>[1]) => ok(admin.state("3001", body));
    await state({ action: "login", extension: "501" });
    await state({ action: "pause", reason: "Lunch" });
    await state({ action: "mission" });
    await state({ action: "online" });
    await state({ action: "logoff" });
    await ok(admin.call("GET /agents"));
    await ok(admin.call("GET /agents/:id", { params: { id: "3001" } }));
    const self = t.client();
    await self.signIn("3001", "pw-3001");
    expect((await ok(self.call("GET /agents"))).body.agents.map((each) => each.id)).toEqual(["3001"]);

    await ok(admin.call("GET /users"));
    await ok(
      admin.call("POST /users", {
        body: { username: "sue", role: "supervisor", password: "sue-password-12" },
      }),
      201,
    );
    await ok(admin.call("PATCH /users/:username", { params: { username: "sue" }, body: { role: "admin" } }));
    await ok(admin.call("DELETE /users/:username", { params: { username: "sue" } }), 204);

    const queuesCsv = "queue_id,queue_name\r\n2002,Billing\r\n";
    const plan = await ok(
      admin.call("POST /import/:kind", {
        params: { kind: "queues" },
        query: { dryRun: "true" },
        body: queuesCsv,
      }),
    );
    expect(plan.body.summary).toMatchObject({ total: 1, create: 1 });
    const agentsCsv = "agent_id,agent_name,agent_pass,agent_out_q,queues\r\n3002,Eli,pw-3002,2000,2000\r\n";
    const started = await ok(
      admin.call("POST /import/:kind", { params: { kind: "agents" }, body: agentsCsv }),
      202,
    );
    const jobId = started.body.jobId;
    await eventually(async () => {
      const job = await ok(admin.call("GET /import/jobs/:jobId", { params: { jobId } }));
      expect(job.body.job.status).toBe("done");
    });
    await ok(admin.call("GET /import/jobs"));
    await ok(admin.call("GET /import/jobs/:jobId/report.csv", { params: { jobId } }));
    await ok(admin.call("DELETE /import/jobs/:jobId", { params: { jobId } }));
    await ok(admin.call("GET /export/agents.csv"));
    await ok(admin.call("GET /export/queues.csv"));

    await ok(admin.call("POST /agents/state", { body: { agentIds: ["3001"], action: "logoff" } }));
    await ok(admin.call("GET /alerts"));
    const policy = await ok(admin.call("GET /policy"));
    await ok(admin.call("PUT /policy", { body: policy.body.policy }));
    const isoAt = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
    const range = { from: isoAt(-86_400_000), to: isoAt(60_000) };
    const day = { from: range.from.slice(0, 10), to: range.to.slice(0, 10) };
    const history = await ok(admin.call("GET /agents/:id/history", { params: { id: "3001" }, query: range }));
    expect(history.body.intervals.length).toBeGreaterThan(0);
    await ok(admin.call("GET /reports/agent-time", { query: day }));
    await ok(admin.call("GET /reports/agent-time.csv", { query: day }));
    const timeline = await ok(admin.call("GET /reports/timeline", { query: { date: day.to } }));
    expect(timeline.body.agents.length).toBeGreaterThan(0);
    await ok(admin.call("DELETE /agents/:id", { params: { id: "3001" } }), 204);
    await ok(admin.call("GET /agents/retired"));
    await ok(admin.call("DELETE /queues/:queueId", { params: { queueId: "2001" } }), 204);
    await ok(admin.call("GET /audit", { query: { limit: 500 } }));
    // A PBX answer that makes no sense: 502, and the PBX's health changes (a `health` event).
    t.pbx.injectFault({ kind: "http500", count: 1 });
    await ok(
      admin.call("PATCH /queues/:queueId", { params: { queueId: "2000" }, body: { name: "Sales 2" } }),
      502,
    );

    // Every route was called and answered with each of its success statuses (the stream is opened above).
    answered.set("GET /events", new Set([events.status]));
    for (const key of routeKeys) {
      const spec: RouteSpec = routes[key];
      expect([...(answered.get(key) ?? [])].sort(), key).toEqual(
        expect.arrayContaining(Object.keys(spec.responses).map(Number)),
      );
    }

    // The live events of all that: each is one the event schema describes, and each type came.
    await events.waitFor((event) => event.event === "health", 3000);
    events.close();
    for (const event of events.events) {
      const parsed = consoleEventSchema.safeParse(JSON.parse(event.data));
      expect(parsed.success, event.data).toBe(true);
      expect(parsed.data?.type).toBe(event.event);
    }
    expect(new Set(events.events.map((event) => event.event))).toEqual(
      new Set(["agent", "agentDeleted", "queue", "queueDeleted", "health", "import"]),
    );
  });

  it("GET /api/openapi.json is the document generated from the table, for anyone", async () => {
    const reply = await t.client().call("GET /openapi.json");
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toMatch(/^application\/json/);
    expect(reply.body).toEqual(createOpenApiDocument());
  });
});

describe("who may call each route is what the table says", () => {
  type Caller = "anon" | (typeof roles)[number];
  const clients = {} as Record<Caller, Client>;
  const AGENT_ID = "4001";

  beforeAll(async () => {
    await t.admin.createQueue("2100");
    await t.admin.createAgent(AGENT_ID, "2100", "pw-4001");
    await t.admin.createAgent("4002", "2100");
    await t.admin.createSupervisor("sam");
    clients.anon = t.client();
    clients.agent = t.client();
    await clients.agent.signIn(AGENT_ID, "pw-4001");
    clients.supervisor = t.client();
    await clients.supervisor.signIn("sam", "supervisor-password-1");
    await t.admin.createUser("vic", "viewer", "viewer-password-1");
    clients.viewer = t.client();
    await clients.viewer.signIn("vic", "viewer-password-1");
    clients.admin = t.admin;
  });

  /** Every path parameter set to a value no parameter schema takes: a caller let through meets a 400, nothing runs. */
  const invalidParams = (spec: RouteSpec) =>
    Object.fromEntries(Object.keys(spec.params?.shape ?? {}).map((name) => [name, "!"]));

  // Routes anyone may call, and the event stream, whose answer never ends, are checked in authz.test.ts.
  const guarded = routeKeys.filter((key) => routes[key].roles !== "anyone" && key !== "GET /events");

  it.each(guarded)("%s: the roles it names get past the guard, the others get 401 or 403", async (key) => {
    const spec: RouteSpec = routes[key];
    for (const caller of ["anon", ...roles] as Caller[]) {
      const reply = await clients[caller].unchecked(key, { params: invalidParams(spec) });
      const allowed = caller !== "anon" && spec.roles !== "anyone" && spec.roles.includes(caller);
      const status = allowed ? "through" : caller === "anon" ? 401 : 403;
      expect({ caller, status: [401, 403].includes(reply.status) ? reply.status : "through" }).toEqual({
        caller,
        status,
      });
    }
  });

  it.each(routeKeys.filter((key) => (routes[key] as RouteSpec).self))(
    "%s: an agent may call it for itself only",
    async (key) => {
      const other = await clients.agent.unchecked(key, { params: { id: "4002" } });
      expect(other.status).toBe(403);
      expect(other.body.error.code).toBe("FORBIDDEN");
      const own = await clients.agent.unchecked(key, { params: { id: AGENT_ID } });
      expect(own.status).not.toBe(403);
    },
  );
});
