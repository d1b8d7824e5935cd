// The control API under /__sim/ (not part of Crystal): JSON in and out, for tests, e2e fixtures and demos.
// Every route calls the same functions as the library's PbxSim methods. It reads every agent password and
// can reset the PBX, so it can be off, or ask for a token (the console's embedded simulator does).

import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

import { SimConflictError, SimInputError } from "./errors.ts";
import type { ControlAccess, Fault, Latency, SimCall, SimState } from "./types.ts";

export const CONTROL_PREFIX = "/__sim/";

const MAX_BODY_BYTES = 1024 * 1024;

/** What the control API can do: the library's methods, taking unchecked input. */
export type SimControls = {
  state: () => SimState;
  reset: () => void;
  seed: (state: unknown) => void;
  latency: () => Required<Latency>;
  setLatency: (latency: unknown) => void;
  faults: () => Fault[];
  injectFault: (fault: unknown) => void;
  clearFaults: () => void;
  phone: (change: unknown) => void;
  calls: () => SimCall[];
  clearCalls: () => void;
};

type Reply = { status: number; json?: unknown };

type Route = Partial<
  Record<string, (controls: SimControls, body: () => Promise<unknown>) => Reply | Promise<Reply>>
>;

const ROUTES: Record<string, Route> = {
  state: { GET: (controls) => ({ status: 200, json: controls.state() }) },
  reset: {
    POST: (controls) => {
      controls.reset();
      return { status: 200, json: controls.state() };
    },
  },
  seed: {
    POST: async (controls, body) => {
      controls.seed(await body());
      return { status: 200, json: controls.state() };
    },
  },
  latency: {
    GET: (controls) => ({ status: 200, json: controls.latency() }),
    POST: async (controls, body) => {
      controls.setLatency(await body());
      return { status: 200, json: controls.latency() };
    },
  },
  faults: {
    GET: (controls) => ({ status: 200, json: { faults: controls.faults() } }),
    POST: async (controls, body) => {
      controls.injectFault(await body());
      return { status: 200, json: { faults: controls.faults() } };
    },
    DELETE: (controls) => {
      controls.clearFaults();
      return { status: 204 };
    },
  },
  phone: {
    POST: async (controls, body) => {
      controls.phone(await body());
      return { status: 200, json: controls.state() };
    },
  },
  calls: {
    GET: (controls) => ({ status: 200, json: { calls: controls.calls() } }),
    DELETE: (controls) => {
      controls.clearCalls();
      return { status: 204 };
    },
  },
};

function sendJson(res: ServerResponse, reply: Reply, headers: Record<string, string> = {}): void {
  if (reply.status === 204 || reply.json === undefined) {
    res.writeHead(reply.status, { "cache-control": "no-store", ...headers }).end();
    return;
  }
  const body = JSON.stringify(reply.json);
  res
    .writeHead(reply.status, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(body),
      "cache-control": "no-store",
      ...headers,
    })
    .end(body);
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new SimInputError("Request body is larger than 1 MiB");
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SimInputError("Request body is not valid JSON");
  }
}

function errorReply(error: unknown): Reply {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof SimInputError) return { status: 400, json: { error: message } };
  if (error instanceof SimConflictError) return { status: 409, json: { error: message } };
  return { status: 500, json: { error: message } };
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/** Whether the request carries the token (compared in constant time). */
function hasToken(req: IncomingMessage, token: string): boolean {
  const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
  return timingSafeEqual(digest(given), digest(token));
}

export async function handleControl(
  controls: SimControls,
  access: ControlAccess,
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (access === "off") {
    sendJson(res, { status: 404, json: { error: `Not found: ${path} (the control API is off)` } });
    return;
  }
  if (access !== "open" && !hasToken(req, access.token)) {
    sendJson(
      res,
      { status: 401, json: { error: "The control API needs the header Authorization: Bearer <token>" } },
      { "www-authenticate": 'Bearer realm="pbx-sim control"' },
    );
    return;
  }
  const name = path.slice(CONTROL_PREFIX.length);
  const route = Object.hasOwn(ROUTES, name) ? ROUTES[name] : undefined;
  if (!route) {
    sendJson(res, { status: 404, json: { error: `No control route ${path}` } });
    return;
  }
  const method = req.method ?? "GET";
  const handler = Object.hasOwn(route, method) ? route[method] : undefined;
  if (!handler) {
    const allowed = Object.keys(route).join(", ");
    sendJson(res, { status: 405, json: { error: `${path} takes ${allowed}` } }, { allow: allowed });
    return;
  }
  try {
    sendJson(res, await handler(controls, () => readJsonBody(req)));
  } catch (error) {
    sendJson(res, errorReply(error));
  }
}
