// The OpenAPI 3.1 document of the console's HTTP API, generated from the contract table (./routes.ts) with
// zod's own JSON Schema output (draft 2020-12, the dialect OpenAPI 3.1 uses). Served at GET /api/openapi.json;
// docs/api.md is rendered from it (./reference.ts).
import { z } from "zod";
import { API_PREFIX, CSRF_HEADER, CSRF_VALUE, splitRouteKey } from "./client.ts";
import { type ErrorCode, apiErrorSchema, errorStatus } from "./errors.ts";
import { type RouteKey, type RouteSpec, type TextBody, errorsOf, routes } from "./routes.ts";

type JsonSchema = Record<string, unknown>;
type Operation = Record<string, unknown>;

export type OpenApiDocument = {
  openapi: "3.1.1";
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, Record<string, unknown>>;
  security: Record<string, string[]>[];
  tags: { name: string }[];
};

const SCHEMAS = "#/components/schemas/";

const errorMeaning: Record<ErrorCode, string> = {
  VALIDATION: "a field is not valid (`fields` names each, `rows` each CSV row's problem)",
  UNAUTHENTICATED: "not signed in, or the session ended (or wrong credentials, for sign-in)",
  FORBIDDEN: "the role does not allow it",
  CSRF: `a state-changing request without the header ${CSRF_HEADER}: ${CSRF_VALUE}`,
  NOT_FOUND: "no such agent, queue, user or job",
  CONFLICT: "conflicts with the PBX's or the console's state (`pbx` carries the PBX's answer)",
  PAYLOAD_TOO_LARGE: "the body is over the limit",
  RATE_LIMITED: "too many failed sign-ins (Retry-After says when to try again)",
  INTERNAL: "something went wrong on the server",
  PBX_REFUSED: "the PBX refused (`pbx` carries its code and message)",
  PBX_BAD_ANSWER: "the PBX answered something the console could not read",
  PBX_UNREACHABLE: "the PBX could not be reached",
  PBX_TIMEOUT: "the PBX did not answer in time (the outcome is unknown: the console settles it)",
  BUSY: "another change to the same agent, queue or membership is still waiting for the PBX: nothing was sent, try again",
};

/** A schema without the keys that only a standalone JSON Schema document has. */
function bare(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

/**
 * Leaves out what only restates JavaScript's limits (the safe-integer bounds of every integer) and, in an
 * answer, `additionalProperties: false`: a client ignores fields it does not know, so that a field added
 * later breaks none.
 */
function tidy({ jsonSchema }: { jsonSchema: JsonSchema }): void {
  if (jsonSchema.additionalProperties === false) delete jsonSchema.additionalProperties;
  if (jsonSchema.minimum === -Number.MAX_SAFE_INTEGER) delete jsonSchema.minimum;
  if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
}

/** Every schema with an `id` in its meta (resources, responses, events, the error), as OpenAPI components. */
function namedSchemas(): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    target: "draft-2020-12",
    io: "output",
    uri: (id) => `${SCHEMAS}${id}`,
    override: tidy,
  });
  // By name, so the document does not depend on the order in which modules registered their schemas.
  return Object.fromEntries(
    Object.entries(schemas)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([id, schema]) => [id, bare(schema as JsonSchema)]),
  );
}

/** The reference to a named schema; an answer without a name would be described nowhere else. */
function reference(schema: z.ZodType, where: string): JsonSchema {
  const id = z.globalRegistry.get(schema)?.id;
  if (typeof id !== "string") throw new Error(`${where}: give the schema an id (.meta({ id }))`);
  return { $ref: `${SCHEMAS}${id}` };
}

/** A request's schema, inline, as a client writes it (before defaults, trimming and coercion). */
function requestSchema(schema: z.ZodType, where: string): JsonSchema {
  const json = bare(z.toJSONSchema(schema, { target: "draft-2020-12", io: "input", override: tidy }));
  if ("$defs" in json) throw new Error(`${where}: a request schema must not contain named schemas`);
  return json;
}

function parameters(schema: z.ZodObject, location: "path" | "query", where: string): JsonSchema[] {
  const json = requestSchema(schema, where);
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries((json.properties ?? {}) as Record<string, JsonSchema>).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: location,
      required: location === "path" || required.has(name),
      schema: rest,
      ...(typeof description === "string" ? { description } : {}),
    };
  });
}

const isText = (value: unknown): value is TextBody =>
  typeof value === "object" && value !== null && "contentType" in value;

function textContent(body: TextBody): JsonSchema {
  return {
    [body.contentType]: {
      schema: { type: "string", ...(body.maxBytes ? { maxLength: body.maxBytes } : {}) },
      ...(body.items ? { "x-event-schema": reference(body.items, body.description) } : {}),
    },
  };
}

function whoMayCall(spec: RouteSpec): string[] {
  if (spec.roles === "anyone") return ["anyone"];
  return spec.roles.map((role) => (role === "agent" && spec.self ? "agent (only itself)" : role));
}

function operationId(key: RouteKey): string {
  const { method, path } = splitRouteKey(key);
  const words = path
    .split(/[/.-]/)
    .filter(Boolean)
    .map((word) => (word.startsWith(":") ? `by-${word.slice(1)}` : word));
  return [method.toLowerCase(), ...words]
    .join("-")
    .replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase());
}

function operation(key: RouteKey): Operation {
  const spec: RouteSpec = routes[key];
  const { method } = splitRouteKey(key);
  const who = whoMayCall(spec);
  const errors = errorsOf(key);
  const parameterList = [
    ...(spec.params ? parameters(spec.params, "path", key) : []),
    ...(spec.query ? parameters(spec.query, "query", key) : []),
    ...(method === "GET"
      ? []
      : [
          {
            name: CSRF_HEADER,
            in: "header",
            required: true,
            description: "Every state-changing request carries it; without it the answer is 403 CSRF.",
            schema: { const: CSRF_VALUE },
          },
        ]),
  ];

  const responses: Record<string, unknown> = {};
  for (const [status, answer] of Object.entries(spec.responses)) {
    if (answer === null) responses[status] = { description: "Done; no body." };
    else if (isText(answer))
      responses[status] = { description: answer.description, content: textContent(answer) };
    else
      responses[status] = {
        description: "Success.",
        content: { "application/json": { schema: reference(answer, key) } },
      };
  }
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errors)
    byStatus.set(errorStatus[code], [...(byStatus.get(errorStatus[code]) ?? []), code]);
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: codes.map((code) => `${code}: ${errorMeaning[code]}.`).join(" "),
      content: { "application/json": { schema: reference(apiErrorSchema, "the error shape") } },
    };
  }

  let requestBody: unknown;
  if (spec.body && isText(spec.body))
    requestBody = { required: true, description: spec.body.description, content: textContent(spec.body) };
  else if (spec.body)
    requestBody = {
      required: true,
      content: { "application/json": { schema: requestSchema(spec.body, key) } },
    };

  return {
    operationId: operationId(key),
    summary: spec.summary,
    description: [spec.description, `Who: ${who.join(", ")}.`].filter(Boolean).join("\n\n"),
    tags: [splitRouteKey(key).path.split("/")[1]?.replace(/\..*$/, "") ?? "api"],
    "x-roles": spec.roles === "anyone" ? ["anyone"] : [...spec.roles],
    ...(spec.self ? { "x-self-param": spec.self } : {}),
    "x-error-codes": errors,
    ...(spec.roles === "anyone" ? { security: [] } : {}),
    ...(parameterList.length > 0 ? { parameters: parameterList } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

export function createOpenApiDocument(): OpenApiDocument {
  const paths: OpenApiDocument["paths"] = {};
  for (const key of Object.keys(routes) as RouteKey[]) {
    const { method, path } = splitRouteKey(key);
    const openApiPath = `${API_PREFIX}${path.replace(/:(\w+)/g, "{$1}")}`;
    paths[openApiPath] = { ...paths[openApiPath], [method.toLowerCase()]: operation(key) };
  }
  const schemas = namedSchemas();
  const tags = [
    ...new Set(
      Object.values(paths).flatMap((ops) => Object.values(ops).flatMap((op) => op.tags as string[])),
    ),
  ];
  return {
    openapi: "3.1.1",
    info: {
      title: "Crystal Console API",
      version: "1",
      description:
        "The console's HTTP API: JSON under /api. Sign in with POST /api/session (the answer sets the session " +
        `cookie); every POST, PUT, PATCH and DELETE carries the header \`${CSRF_HEADER}: ${CSRF_VALUE}\`. ` +
        "Every error has one shape (`Error`): a code, a sentence, and where they apply the refused fields, " +
        "the CSV rows and the PBX's own answer. Each operation's `x-roles` says who may call it, and " +
        "`x-self-param` (where present) the path parameter that must be an agent's own id when an agent calls " +
        "it, and `x-error-codes` every error code it may answer.",
    },
    paths,
    components: {
      schemas,
      securitySchemes: {
        session: {
          type: "apiKey",
          in: "cookie",
          name: "cc_session",
          description:
            "The session cookie set by POST /api/session: HttpOnly, SameSite=Strict; over HTTPS it is " +
            "`__Host-cc_session` and Secure.",
        },
      },
    },
    security: [{ session: [] }],
    tags: tags.map((name) => ({ name })),
  };
}
