// Not run, only type-checked (`pnpm typecheck`): a typo in a request path, a method, a body field or an answer
// field does not compile. Each @ts-expect-error line must fail to type-check; if the client's types ever
// loosen so that one compiles, the directive itself is an error ("Unused '@ts-expect-error' directive").
import { api, routeUrl } from "./api.ts";

export async function typos(): Promise<void> {
  // The right calls compile, and their answers are typed.
  const { agents } = await api("GET /agents");
  agents[0]?.queueIds.includes("2000");
  const { agent } = await api("POST /agents/:id/state", {
    params: { id: "1001" },
    body: { action: "online" },
  });
  agent.status satisfies "logged_off" | "online" | "paused" | "mission";
  (await api("DELETE /agents/:id", { params: { id: "1001" } })) satisfies undefined;
  routeUrl("GET /export/agents.csv");
  const { user } = await api("PUT /session/language", { body: { language: "he" } });
  void user.language;

  // @ts-expect-error: a wrong path ("/agent" for "/agents")
  await api("GET /agent");
  // @ts-expect-error: a path the console does not have
  await api("GET /agents/:id/salary", { params: { id: "1001" } });
  // @ts-expect-error: a wrong method (queues are renamed with PATCH)
  await api("PUT /queues/:queueId", { params: { queueId: "2000" }, body: { name: "Sales" } });
  // @ts-expect-error: a missing path parameter
  await api("GET /agents/:id");
  // @ts-expect-error: a wrongly named path parameter
  await api("GET /agents/:id", { params: { agentId: "1001" } });
  // @ts-expect-error: a wrong body field ("queueId" for "outQueueId")
  await api("POST /agents", { body: { id: "1001", name: "Dana", password: "pw", queueId: "2000" } });
  // @ts-expect-error: a body value the contract does not allow (there is no "break" action)
  await api("POST /agents/:id/state", { params: { id: "1001" }, body: { action: "break" } });
  // @ts-expect-error: a body on a route that takes none
  await api("DELETE /agents/:id", { params: { id: "1001" }, body: { force: true } });
  // @ts-expect-error: a wrong body field ("lang" for "language")
  await api("PUT /session/language", { body: { lang: "he" } });
  // @ts-expect-error: a wrong query field
  await api("GET /audit", { query: { agent: "1001" } });

  const queues = await api("GET /queues");
  // @ts-expect-error: a wrong answer field ("agents" for "queues")
  void queues.agents;
  const health = await api("GET /health");
  // @ts-expect-error: a wrong field of a resource ("reachable" is on health.pbx)
  void health.reachable;
  // @ts-expect-error: a CSV route is a link (routeUrl), not a JSON call
  await api("GET /export/agents.csv");
}
