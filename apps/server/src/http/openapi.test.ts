// The OpenAPI document generated from the contract table: valid OpenAPI 3.1 (checked by a validator of the
// specification's own JSON Schema), naming every route of design.md's contract table and the README's
// additions with who may call it, what it takes and answers, and every error code; docs/api.md current.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  CSRF_HEADER,
  type RouteKey,
  type RouteSpec,
  errorCodes,
  errorsOf,
  routes,
  splitRouteKey,
} from "@crystal-console/api";
import { createOpenApiDocument } from "@crystal-console/api/openapi";
import { renderReference } from "@crystal-console/api/reference";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";

const REFERENCE_PATH = fileURLToPath(new URL("../../../../docs/api.md", import.meta.url));

const document = createOpenApiDocument();

/** The routes of design.md ("The BFF's HTTP contract") and of the README's "The HTTP API", as they name them. */
const documentedRoutes = [
  "GET /api/health",
  "POST /api/session",
  "GET /api/session",
  "DELETE /api/session",
  "GET /api/agents",
  "POST /api/agents",
  "PATCH /api/agents/{id}",
  "DELETE /api/agents/{id}",
  "POST /api/agents/{id}/state",
  "GET /api/queues",
  "POST /api/queues",
  "PATCH /api/queues/{queueId}",
  "DELETE /api/queues/{queueId}",
  "PUT /api/queues/{queueId}/agents/{agentId}",
  "DELETE /api/queues/{queueId}/agents/{agentId}",
  "GET /api/events",
  "GET /api/audit",
  "GET /api/users",
  "POST /api/users",
  "PATCH /api/users/{username}",
  "DELETE /api/users/{username}",
  "GET /api/pause-reasons",
  // the README's additions
  "PUT /api/session/language",
  "GET /api/agents/retired",
  "GET /api/agents/{id}",
  "POST /api/import/{kind}",
  "GET /api/import/jobs",
  "GET /api/import/jobs/{jobId}",
  "GET /api/import/jobs/{jobId}/report.csv",
  "DELETE /api/import/jobs/{jobId}",
  "GET /api/export/agents.csv",
  "GET /api/export/queues.csv",
  "GET /api/agents/{id}/history",
  "GET /api/reports/agent-time",
  "GET /api/reports/agent-time.csv",
  "GET /api/reports/timeline",
  "GET /api/openapi.json",
  "POST /api/agents/state",
  "GET /api/alerts",
  "GET /api/policy",
  "PUT /api/policy",
];

type Operation = {
  "x-roles": string[];
  "x-self-param"?: string;
  "x-error-codes": string[];
  security?: unknown[];
  parameters?: { name: string; in: string; required: boolean }[];
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
};

const operationOf = (method: string, path: string) =>
  document.paths[path]?.[method.toLowerCase()] as Operation | undefined;

const openApiPath = (key: RouteKey) => {
  const { method, path } = splitRouteKey(key);
  return { method, path: `/api${path.replace(/:(\w+)/g, "{$1}")}` };
};

describe("the OpenAPI document", () => {
  it("validates as OpenAPI 3.1", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("names every route of design.md and the README, and no other than the contract table's", () => {
    const named = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect([...named].sort()).toEqual([...documentedRoutes].sort());
    expect(named).toHaveLength(Object.keys(routes).length);
  });

  it.each(Object.keys(routes) as RouteKey[])("%s: roles, input, answers and error codes", (key) => {
    const spec: RouteSpec = routes[key];
    const { method, path } = openApiPath(key);
    const operation = operationOf(method, path);
    expect(operation, `${method} ${path}`).toBeDefined();
    if (!operation) return;

    const roles = spec.roles === "anyone" ? ["anyone"] : [...spec.roles];
    expect(operation["x-roles"]).toEqual(roles);
    expect(operation["x-self-param"]).toBe(spec.self);
    expect(operation.security).toEqual(spec.roles === "anyone" ? [] : undefined);

    const parameters = operation.parameters ?? [];
    for (const name of Object.keys(spec.params?.shape ?? {}))
      expect(parameters).toContainEqual(expect.objectContaining({ name, in: "path", required: true }));
    for (const name of Object.keys(spec.query?.shape ?? {}))
      expect(parameters).toContainEqual(expect.objectContaining({ name, in: "query" }));
    const csrf = parameters.find((parameter) => parameter.name === CSRF_HEADER);
    expect(csrf?.required ?? false).toBe(method !== "GET");
    expect(operation.requestBody !== undefined).toBe(spec.body !== undefined);

    for (const status of Object.keys(spec.responses)) expect(operation.responses).toHaveProperty(status);
    expect(operation["x-error-codes"]).toEqual(errorsOf(key));
    for (const code of errorsOf(key)) expect(errorCodes).toContain(code);
    const errorAnswers = Object.entries(operation.responses).filter(([status]) => Number(status) >= 400);
    expect(errorAnswers.length).toBeGreaterThan(0);
    for (const [, answer] of errorAnswers)
      expect(answer.content?.["application/json"]?.schema.$ref).toBe("#/components/schemas/Error");
  });

  it("every reference names a schema of the document, and the session cookie is its security scheme", () => {
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"([^"]+)"/g)].flatMap((match) =>
      match[1] ? [match[1]] : [],
    );
    expect(refs.length).toBeGreaterThan(30);
    const names = Object.keys(document.components.schemas ?? {});
    for (const ref of new Set(refs))
      expect(names.map((name) => `#/components/schemas/${name}`)).toContain(ref);
    expect(document.components.securitySchemes).toMatchObject({
      session: { type: "apiKey", in: "cookie", name: "cc_session" },
    });
    expect(document.security).toEqual([{ session: [] }]);
  });

  it("docs/api.md is the reference rendered from it (run `pnpm docs:api` after changing the contract)", () => {
    expect(readFileSync(REFERENCE_PATH, "utf8")).toBe(renderReference(document));
  });
});
