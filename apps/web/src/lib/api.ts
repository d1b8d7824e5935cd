// The one way the SPA talks to the console server: JSON under /api, the CSRF header on every request,
// same-origin credentials, and the contract's error shape turned into a typed error.
import type { ApiError, ErrorCode } from "@crystal-console/api";
import { CSRF_HEADER, CSRF_VALUE } from "./contract.ts";

export class ApiRequestError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly fields: Record<string, string>;
  readonly pbx: { code: number; message: string } | null;

  constructor(status: number, body: ApiError["error"]) {
    super(body.message);
    this.name = "ApiRequestError";
    this.status = status;
    this.code = body.code;
    this.fields = body.fields ?? {};
    this.pbx = body.pbx ?? null;
  }
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export type RequestOptions = {
  method?: Method;
  body?: unknown;
  /** A CSV file or text sent as is (text/csv), instead of a JSON body. */
  csv?: Blob | string;
  query?: Record<string, string | number | undefined>;
  signal?: AbortSignal;
  /** False for requests that expect a 401 (reading the session, signing in). */
  redirectOnUnauthenticated?: boolean;
};

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

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = "GET", body, csv, query, signal, redirectOnUnauthenticated = true } = options;
  let url = `/api${path}`;
  if (query) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== "") params.set(key, String(value));
    }
    const search = params.toString();
    if (search) url += `?${search}`;
  }
  const headers: Record<string, string> = { Accept: "application/json", [CSRF_HEADER]: CSRF_VALUE };
  if (csv !== undefined) headers["Content-Type"] = "text/csv; charset=utf-8";
  else if (body !== undefined) headers["Content-Type"] = "application/json";

  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      credentials: "same-origin",
      body: csv ?? (body === undefined ? null : JSON.stringify(body)),
      signal: signal ?? null,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiRequestError(0, {
      code: "INTERNAL",
      message: "The console server could not be reached. Check the connection and try again.",
    });
  }

  if (response.status === 204) return undefined as T;
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
  return json as T;
}

/** The sentence to show a person for any error, with the PBX's own answer when it refused. */
export function describeError(error: unknown): { title: string; pbx: string | null } {
  if (
    error instanceof Error &&
    !(error instanceof ApiRequestError) &&
    error.cause instanceof ApiRequestError
  ) {
    const cause = error.cause;
    return {
      title: error.message,
      pbx: cause.pbx ? `${cause.pbx.message} (PBX code ${cause.pbx.code})` : null,
    };
  }
  if (error instanceof ApiRequestError) {
    const fieldText = Object.values(error.fields).join(" ");
    return {
      title: fieldText && error.code === "VALIDATION" ? `${error.message} ${fieldText}` : error.message,
      pbx: error.pbx ? `${error.pbx.message} (PBX code ${error.pbx.code})` : null,
    };
  }
  if (error instanceof Error) return { title: error.message, pbx: null };
  return { title: "Something went wrong.", pbx: null };
}
