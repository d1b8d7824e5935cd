// The server's half of the contract table (packages/api/src/routes.ts): every route's handler is keyed by the
// route's own "METHOD /path", mounted from the table with the table's guards (roles, the agent's own id) and
// request schemas (through `validate`), and can answer only what the table declares, through `reply`.
import {
  type RouteAnswerAt,
  type RouteBody,
  type RouteKey,
  type RouteParams,
  type RouteQuery,
  type RouteSpec,
  type RouteStatus,
  type Routes,
  routes,
  splitRouteKey,
} from "@crystal-console/api";
import type { Context, Handler, Hono, MiddlewareHandler } from "hono";
import type { H } from "hono/types";
import type { ContentfulStatusCode, StatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import { currentUser, requireRole } from "../auth/middleware.ts";
import { limitBody } from "./body-limit.ts";
import type { AppEnv } from "./env.ts";
import { HttpError } from "./errors.ts";
import type { JsonBytes } from "./json-bytes.ts";
import { validate } from "./validate.ts";

type Spec<K extends RouteKey> = Routes[K];
type Has<K extends RouteKey, Part extends string> = Spec<K> extends Record<Part, z.ZodType> ? true : false;

/** What `c.req.valid(...)` gives a route's handler: its params, query and JSON body, once validated. */
type Validated<K extends RouteKey> = {
  in: object;
  out: (Has<K, "params"> extends true ? { param: RouteParams<K> } : object) &
    (Has<K, "query"> extends true ? { query: RouteQuery<K> } : object) &
    (Has<K, "body"> extends true ? { json: RouteBody<K> } : object);
};

export type RouteContext<K extends RouteKey> = Context<AppEnv, string, Validated<K>>;

declare const answered: unique symbol;
/** A response made by `reply`: the only thing a route's handler can return. */
export type Replied<K extends RouteKey> = Response & { readonly [answered]: K };

type Answer<K extends RouteKey, S extends RouteStatus<K>> = Spec<K>["responses"][S];
type StatusesWith<K extends RouteKey, Kind> = {
  [S in RouteStatus<K>]: Answer<K, S> extends Kind ? S : never;
}[RouteStatus<K>];

export type Reply<K extends RouteKey> = {
  /** A JSON answer as the table declares it for this status, or no body where it declares none (204). */
  <S extends StatusesWith<K, z.ZodType | null>>(
    status: S,
    ...body: Answer<K, S> extends null ? [] : [body: RouteAnswerAt<K, S>]
  ): Replied<K>;
  /** The same JSON, already serialized (and maybe gzipped: the handler sets Content-Encoding). */
  serialized<S extends StatusesWith<K, z.ZodType>>(
    status: S,
    bytes: JsonBytes<RouteAnswerAt<K, S>>,
  ): Replied<K>;
  /** A text answer (CSV, the event stream), where the table declares one. */
  text<S extends StatusesWith<K, { contentType: string }>>(
    status: S,
    body: string | ReadableStream<Uint8Array>,
    headers: Record<string, string>,
  ): Replied<K>;
};

export type RouteHandler<K extends RouteKey> = (
  c: RouteContext<K>,
  reply: Reply<K>,
) => Replied<K> | Promise<Replied<K>>;

/** Every route's handler, by its key: app.ts mounts one for each route of the table. */
export type Handlers = { [K in RouteKey]: RouteHandler<K> };

/** Some routes' handlers (one resource's), keyed and typed by the table. */
export const handlers = <K extends RouteKey>(map: { [P in K]: RouteHandler<P> }) => map;

function replier(c: Context<AppEnv>): Reply<RouteKey> {
  const reply = (status: StatusCode, body?: unknown) =>
    body === undefined ? c.body(null, status) : c.json(body, status as ContentfulStatusCode);
  return Object.assign(reply, {
    serialized: (status: ContentfulStatusCode, bytes: Uint8Array<ArrayBuffer>) =>
      c.body(bytes, status, { "Content-Type": "application/json" }),
    text: (
      status: ContentfulStatusCode,
      body: string | ReadableStream<Uint8Array>,
      headers: Record<string, string>,
    ) => c.body(body, status, headers),
  }) as unknown as Reply<RouteKey>;
}

const forbiddenOther = () =>
  new HttpError(403, "FORBIDDEN", "Agents can only see and change their own state.");

/** Agents may call the route only for their own agent id, checked before the body is even read. */
const onlySelf =
  (param: string): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const user = currentUser(c);
    if (user.role === "agent" && user.agentId !== c.req.param(param)) throw forbiddenOther();
    await next();
  };

/** Validation as `validate` does it, typed for the app's context (what it validated is typed by the table). */
const validated = (target: "param" | "query" | "json", schema: z.ZodType) =>
  validate(target, schema) as unknown as MiddlewareHandler<AppEnv>;

/** The guards and validators of a route, in order: roles, params, the agent's own id, query, body. */
function middlewareOf(spec: RouteSpec): MiddlewareHandler<AppEnv>[] {
  const chain: MiddlewareHandler<AppEnv>[] = [];
  if (spec.roles !== "anyone") chain.push(requireRole(...spec.roles));
  if (spec.params) chain.push(validated("param", spec.params));
  if (spec.self) chain.push(onlySelf(spec.self));
  if (spec.query) chain.push(validated("query", spec.query));
  if (spec.body && "contentType" in spec.body) {
    if (spec.body.maxBytes) chain.push(limitBody(spec.body.maxBytes, "CSV files"));
  } else if (spec.body) chain.push(validated("json", spec.body));
  return chain;
}

/** Mounts every route of the table on `api` (the app under /api), in the table's order. */
export function mountRoutes(api: Hono<AppEnv>, all: Handlers): void {
  for (const key of Object.keys(routes) as RouteKey[]) {
    const { method, path } = splitRouteKey(key);
    const handler = all[key] as RouteHandler<RouteKey>;
    const answer: Handler<AppEnv> = (c) => handler(c as RouteContext<RouteKey>, replier(c));
    const chain: [...H<AppEnv>[], H<AppEnv>] = [...middlewareOf(routes[key]), answer];
    api.on(method, [path], ...chain);
  }
}
