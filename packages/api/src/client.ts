// The typed client's run-time half, shared by the SPA and the server's tests. A route's key in the contract
// ("POST /agents/:id/state") is its method and its path template, so a request is built from the key and
// its input alone: no table at run time, and no zod (this module imports only types).
import type { CsvFile, Method, RouteInput, RouteKey } from "./routes.ts";

export const API_PREFIX = "/api";

/** Every state-changing request (POST, PUT, PATCH, DELETE) carries this header (design.md rule 7). */
export const CSRF_HEADER = "X-Requested-With";
export const CSRF_VALUE = "crystal-console";

/** "PATCH /agents/:id" -> PATCH and /agents/:id. */
export function splitRouteKey(key: string): { method: Method; path: string } {
  const space = key.indexOf(" ");
  return { method: key.slice(0, space) as Method, path: key.slice(space + 1) };
}

type UrlInput = {
  params?: Record<string, string> | undefined;
  query?: Record<string, string | number | boolean | undefined> | undefined;
};

/** The URL of a route: `:name` segments filled from `params` (encoded), `query` appended (empty values left out). */
export function routeUrl<K extends RouteKey>(
  key: K,
  input?: Pick<RouteInput<K>, "params" | "query">,
): string {
  return urlOf(key, (input ?? {}) as UrlInput);
}

function urlOf(key: string, { params, query }: UrlInput): string {
  const path = splitRouteKey(key).path.replace(/:(\w+)/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`${key}: no value for :${name}`);
    return encodeURIComponent(value);
  });
  const search = Object.entries(query ?? {})
    .filter(([, value]) => value !== undefined && value !== "")
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
    .join("&");
  return `${API_PREFIX}${path}${search ? `?${search}` : ""}`;
}

export type BuiltRequest = {
  method: Method;
  url: string;
  /** JSON text, or a CSV file as is (the contract's only text body). */
  body: string | CsvFile | null;
  contentType: "application/json" | "text/csv; charset=utf-8" | null;
};

/** A JSON body is a plain object (or array); a string or a file (a Blob) is a CSV file, sent as it is. */
function isJson(body: unknown): boolean {
  if (Array.isArray(body)) return true;
  if (typeof body !== "object" || body === null) return false;
  const prototype: unknown = Object.getPrototypeOf(body);
  return prototype === Object.prototype || prototype === null;
}

/** Method, URL and body of a call. */
export function buildRequest<K extends RouteKey>(key: K, input?: RouteInput<K>): BuiltRequest {
  // Read as unknown: the union of every route's input is too large for the checker to narrow here.
  const given: unknown = input;
  const { body, ...rest } = (given ?? {}) as UrlInput & { body?: unknown };
  const request = { method: splitRouteKey(key).method, url: urlOf(key, rest) };
  if (body === undefined) return { ...request, body: null, contentType: null };
  if (isJson(body)) return { ...request, body: JSON.stringify(body), contentType: "application/json" };
  return { ...request, body: body as string | CsvFile, contentType: "text/csv; charset=utf-8" };
}
