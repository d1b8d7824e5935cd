// The one way the SPA talks to the console server: a route of the contract table by its key ("GET /agents"),
// typed by the table, so that a wrong path, method, body field or answer field does not compile. JSON under
// /api, the CSRF header on every request, same-origin credentials, and the contract's error shape turned
// into a typed error. Only types come from the contract here: its schemas stay out of the initial JS.
import type {
  ApiError,
  ErrorCode,
  FieldReason,
  JsonRouteKey,
  RouteAnswer,
  RouteInput,
  RowError,
} from "@crystal-console/api";
import { CSRF_HEADER, CSRF_VALUE, buildRequest } from "@crystal-console/api/client";
import { currentLanguage, t, type MessageKey } from "../i18n/i18n.tsx";

export { routeUrl } from "@crystal-console/api/client";

export class ApiRequestError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly fields: Record<string, string>;
  readonly reasons: Record<string, FieldReason>;
  /** A refused CSV import: every problem of every error row. */
  readonly rows: RowError[];
  readonly pbx: { code: number; message: string } | null;

  constructor(status: number, body: ApiError["error"]) {
    super(body.message);
    this.name = "ApiRequestError";
    this.status = status;
    this.code = body.code;
    this.fields = body.fields ?? {};
    this.reasons = body.reasons ?? {};
    this.rows = body.rows ?? [];
    this.pbx = body.pbx ?? null;
  }
}

export type CallOptions = {
  signal?: AbortSignal;
  /** False for requests that expect a 401 (reading the session, signing in). */
  redirectOnUnauthenticated?: boolean;
};

/** A route's input (params, query, body) where it has one, and the call's options: optional if nothing is required. */
type CallArgs<K extends JsonRouteKey> =
  object extends RouteInput<K> ? [input?: RouteInput<K> & CallOptions] : [input: RouteInput<K> & CallOptions];

let unauthenticatedHandler: () => void = () => {
  window.location.assign(signInPath());
};

/** The app installs a handler that clears its caches and navigates without a reload. */
export function onUnauthenticated(handler: () => void): void {
  unauthenticatedHandler = handler;
}

/** Where to send someone whose session ended, so that signing in brings them back here. */
export function signInPath(from: string = window.location.pathname + window.location.search): string {
  if (from.startsWith("/sign-in")) return "/sign-in";
  return `/sign-in?next=${encodeURIComponent(from)}`;
}

function isApiError(value: unknown): value is ApiError {
  if (typeof value !== "object" || value === null || !("error" in value)) return false;
  const error = value.error;
  return typeof error === "object" && error !== null && "code" in error && "message" in error;
}

function fallbackError(status: number): ApiError["error"] {
  if (status === 401) return { code: "UNAUTHENTICATED", message: "Your session has ended. Sign in again." };
  if (status === 403) return { code: "FORBIDDEN", message: "You are not allowed to do that." };
  if (status === 404) return { code: "NOT_FOUND", message: "That was not found." };
  if (status === 413) return { code: "PAYLOAD_TOO_LARGE", message: "That is too large to send." };
  if (status === 429)
    return { code: "RATE_LIMITED", message: "Too many attempts. Wait a moment and try again." };
  if (status === 503) return { code: "PBX_UNREACHABLE", message: "The server is not reachable right now." };
  return { code: "INTERNAL", message: `The server answered ${status}. Try again.` };
}

/** Calls a route of the contract; resolves to its answer (undefined for 204), or throws ApiRequestError. */
export async function api<K extends JsonRouteKey>(
  route: K,
  ...[input]: CallArgs<K>
): Promise<RouteAnswer<K>> {
  // Read as the options and the rest: the union of every route's input is too large for the checker here.
  const given: unknown = input;
  const { signal, redirectOnUnauthenticated = true, ...routeInput } = (given ?? {}) as CallOptions;
  const { method, url, body, contentType } = buildRequest(route, routeInput as RouteInput<K>);
  const headers: Record<string, string> = { Accept: "application/json", [CSRF_HEADER]: CSRF_VALUE };
  if (contentType) headers["Content-Type"] = contentType;

  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      credentials: "same-origin",
      // A file body is the File or Blob the person chose (the contract describes it by shape: it has no DOM).
      body: body as BodyInit | null,
      signal: signal ?? null,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiRequestError(0, {
      code: "INTERNAL",
      message: "The console server could not be reached. Check the connection and try again.",
    });
  }

  if (response.status === 204) return undefined as RouteAnswer<K>;
  const text = await response.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (!response.ok) {
    const error = new ApiRequestError(
      response.status,
      isApiError(json) ? json.error : fallbackError(response.status),
    );
    if (response.status === 401 && redirectOnUnauthenticated) unauthenticatedHandler();
    throw error;
  }
  return json as RouteAnswer<K>;
}

/** The language the API speaks: in it, the server's own sentences are shown as they are. */
export const API_LANGUAGE = "en";

/**
 * The sentence for an error, in the person's language: the server's own sentence when that is the API's
 * language (English), else the catalog's sentence for the error's code.
 */
export function errorMessage(error: ApiRequestError): string {
  if (error.status === 0) return t("errors.network");
  if (currentLanguage() === API_LANGUAGE && error.message) return error.message;
  return t(`errors.${error.code}` as MessageKey);
}

/** The PBX's own answer, verbatim (it speaks English whatever the console's language). */
export function pbxWords(error: unknown): { code: number; message: string } | null {
  if (error instanceof ApiRequestError) return error.pbx;
  if (error instanceof Error && error.cause instanceof ApiRequestError) return error.cause.pbx;
  return null;
}

/** The reason for one field, in the person's language (see errorMessage), with the field's rule for "invalid". */
export function fieldMessage(error: ApiRequestError, field: string): string {
  const sentence = error.fields[field];
  if (currentLanguage() === API_LANGUAGE && sentence) return sentence;
  return reasonMessage(field, error.reasons[field] ?? "invalid");
}

/** A field's reason in words: its rule when the value breaks it, or what the server found. */
export function reasonMessage(field: string, reason: FieldReason, rule?: MessageKey): string {
  const label = t(`field.${field}` as MessageKey);
  if (reason === "invalid") return t(rule ?? (`rule.${field}` as MessageKey), { field: label });
  return t(`reason.${reason}`, { field: label });
}

/** An error the SPA itself words: a catalog message, and the server's error that caused it, if any. */
export class LocalizedError extends Error {
  constructor(
    readonly key: MessageKey,
    readonly values: Record<string, unknown> = {},
    cause?: unknown,
  ) {
    super(key, { cause });
    this.name = "LocalizedError";
  }
}

/** The sentence to show a person for any error; `pbx` is the PBX's own answer when it refused. */
export function describeError(error: unknown): {
  title: string;
  pbx: { code: number; message: string } | null;
} {
  if (error instanceof LocalizedError) {
    const own = t(error.key, error.values);
    if (error.cause === undefined) return { title: own, pbx: null };
    const cause = describeError(error.cause);
    return { title: t("errors.because", { error: own, cause: cause.title }), pbx: cause.pbx };
  }
  if (error instanceof ApiRequestError) {
    const fields = Object.keys(error.fields);
    const fieldText = fields.map((field) => fieldMessage(error, field)).join(" ");
    const title = errorMessage(error);
    return {
      title: fieldText && error.code === "VALIDATION" ? `${title} ${fieldText}` : title,
      pbx: error.pbx,
    };
  }
  if (error instanceof Error) return { title: error.message, pbx: pbxWords(error) };
  return { title: t("errors.unknown"), pbx: null };
}
