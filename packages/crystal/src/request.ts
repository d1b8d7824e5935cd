// Building requests: validation before anything is sent, then a URL-encoded path per call.
import { PbxInputError, type PbxInputField } from "./errors.ts";
import { isPbxId, isPbxName, isPbxPassword, NAME_MAX, normalizeName, PASSWORD_MAX } from "./rules.ts";
import { AGENT_ACTIONS, isManagementAction, MANAGEMENT_ACTIONS } from "./parse.ts";
import { redact } from "./redact.ts";
import type { PbxAction, PbxClient } from "./types.ts";

export const MANAGEMENT_PATH = "/cc3/writedialplane/agents_commands/management_api.php";
export const AGENT_COMMAND_PATH = "/cc3/writedialplane/agents_commands/agent_command.php";

/** A validated call: its action and its parameters (without `action` and `secure`), in sending order. */
export type PreparedCall<A extends PbxAction = PbxAction> = {
  action: A;
  params: ReadonlyArray<readonly [string, string]>;
};

/** Unpaired UTF-16 surrogates cannot be sent as UTF-8. */
const LONE_SURROGATE = /\p{Cs}/u;

/** U+0000 to U+001F and U+007F. */
function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit < 0x20 || unit === 0x7f) return true;
  }
  return false;
}

function checkText(field: PbxInputField, value: string): void {
  if (hasControlCharacter(value)) throw new PbxInputError(field, "it must not contain control characters.");
  if (LONE_SURROGATE.test(value))
    throw new PbxInputError(field, "it contains text that is not valid Unicode.");
}

function id(field: PbxInputField, value: unknown): string {
  if (typeof value !== "string" || !isPbxId(value)) {
    throw new PbxInputError(field, "it must be 1 to 10 digits.");
  }
  return value;
}

function name(value: unknown): string {
  if (typeof value !== "string") throw new PbxInputError("name", "it must be text.");
  const trimmed = normalizeName(value);
  if (!isPbxName(trimmed)) {
    throw new PbxInputError("name", `it must be 1 to ${NAME_MAX} characters after trimming spaces.`);
  }
  checkText("name", trimmed);
  return trimmed;
}

function password(value: unknown): string {
  if (typeof value !== "string" || !isPbxPassword(value)) {
    throw new PbxInputError("password", `it must be 1 to ${PASSWORD_MAX} characters with no spaces.`);
  }
  checkText("password", value);
  return value;
}

type Params<K extends keyof PbxClient> = Parameters<PbxClient[K]>[0];

function editAgentParams(p: Params<"editAgent">): Array<[string, string]> {
  const params: Array<[string, string]> = [["agent_id", id("agentId", p.agentId)]];
  if (p.password !== undefined) params.push(["agent_pass", password(p.password)]);
  if (p.name !== undefined) params.push(["agent_name", name(p.name)]);
  if (p.outQueueId !== undefined) params.push(["agent_out_q", id("outQueueId", p.outQueueId)]);
  if (params.length === 1)
    throw new PbxInputError("fields", "nothing to change: give a password, a name or an out queue.");
  return params;
}

/** Validates each call's parameters (throwing PbxInputError) and names them as the PBX does. */
export const prepare = {
  newAgent: (p: Params<"newAgent">): PreparedCall<"new_agent"> => ({
    action: "new_agent",
    params: [
      ["agent_id", id("agentId", p.agentId)],
      ["agent_pass", password(p.password)],
      ["agent_name", name(p.name)],
      ["agent_out_q", id("outQueueId", p.outQueueId)],
    ],
  }),
  editAgent: (p: Params<"editAgent">): PreparedCall<"edit_agent"> => ({
    action: "edit_agent",
    params: editAgentParams(p),
  }),
  deleteAgent: (p: Params<"deleteAgent">): PreparedCall<"del_agent"> => ({
    action: "del_agent",
    params: [["agent_id", id("agentId", p.agentId)]],
  }),
  newQueue: (p: Params<"newQueue">): PreparedCall<"new_queue"> => ({
    action: "new_queue",
    params: [
      ["queue_id", id("queueId", p.queueId)],
      ["queue_name", name(p.name)],
    ],
  }),
  editQueue: (p: Params<"editQueue">): PreparedCall<"edit_queue"> => ({
    action: "edit_queue",
    params: [
      ["queue_id", id("queueId", p.queueId)],
      ["queue_name", name(p.name)],
    ],
  }),
  deleteQueue: (p: Params<"deleteQueue">): PreparedCall<"del_queue"> => ({
    action: "del_queue",
    params: [["queue_id", id("queueId", p.queueId)]],
  }),
  assignAgent: (p: Params<"assignAgent">): PreparedCall<"assign_agent"> => ({
    action: "assign_agent",
    params: [
      ["agent_id", id("agentId", p.agentId)],
      ["queue_id", id("queueId", p.queueId)],
    ],
  }),
  releaseAgent: (p: Params<"releaseAgent">): PreparedCall<"release_agent"> => ({
    action: "release_agent",
    params: [
      ["agent_id", id("agentId", p.agentId)],
      ["queue_id", id("queueId", p.queueId)],
    ],
  }),
  login: (p: Params<"login">): PreparedCall<"login"> => ({
    action: "login",
    params: [
      ["agid", id("agentId", p.agentId)],
      ["agext", id("extension", p.extension)],
    ],
  }),
  logoff: (p: Params<"logoff">): PreparedCall<"logoff"> => ({
    action: "logoff",
    params: [["agid", id("agentId", p.agentId)]],
  }),
  pause: (p: Params<"pause">): PreparedCall<"pause"> => ({
    action: "pause",
    params: [["agid", id("agentId", p.agentId)]],
  }),
  online: (p: Params<"online">): PreparedCall<"online"> => ({
    action: "online",
    params: [["agid", id("agentId", p.agentId)]],
  }),
  mission: (p: Params<"mission">): PreparedCall<"mission"> => ({
    action: "mission",
    params: [["agid", id("agentId", p.agentId)]],
  }),
};

/** RFC 3986's unreserved characters: A-Z a-z 0-9 - . _ ~ */
function isUnreserved(unit: number): boolean {
  return (
    (unit >= 0x61 && unit <= 0x7a) || // a-z
    (unit >= 0x30 && unit <= 0x39) || // 0-9
    (unit >= 0x41 && unit <= 0x5a) || // A-Z
    unit === 0x2d || // -
    unit === 0x2e || // .
    unit === 0x5f || // _
    unit === 0x7e // ~
  );
}

function unreservedOnly(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    if (!isUnreserved(value.charCodeAt(i))) return false;
  }
  return true;
}

/**
 * Percent-encodes as UTF-8 everything but RFC 3986's unreserved characters (so `!'()*` too); a space
 * becomes `%20`, never `+`, so PHP's decoder and URLSearchParams read the same value.
 */
export function encodeParam(value: string): string {
  if (unreservedOnly(value)) return value;
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export function buildQuery(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.map(([key, value]) => `${encodeParam(key)}=${encodeParam(value)}`).join("&");
}

/** Appends `&key=value` for each parameter to an endpoint's `...?action=<action>`. */
function appendParams(path: string, params: PreparedCall["params"]): string {
  let result = path;
  for (const [key, value] of params) result += `&${encodeParam(key)}=${encodeParam(value)}`;
  return result;
}

function endpoint(basePath: string, action: PbxAction): string {
  const script = isManagementAction(action) ? MANAGEMENT_PATH : AGENT_COMMAND_PATH;
  return `${basePath}${script}?action=${encodeParam(action)}`;
}

/**
 * The request path for a prepared call under `basePath` (the base URL's path without a trailing
 * slash, e.g. `""` or `/crystal`). Management calls carry `secure`; agent commands do not.
 */
export function buildPath(basePath: string, secure: string, call: PreparedCall): string {
  const path = appendParams(endpoint(basePath, call.action), call.params);
  return isManagementAction(call.action) ? `${path}&secure=${encodeParam(secure)}` : path;
}

/**
 * `buildPath` for one client: each action's endpoint and the encoded `secure` parameter are built
 * once, so a call only encodes its own parameters.
 */
export function pathBuilder(basePath: string, secure: string): (call: PreparedCall) => string {
  const prefixes = new Map<string, string>();
  const suffixes = new Map<string, string>();
  const secureParam = `&secure=${encodeParam(secure)}`;
  for (const action of [...MANAGEMENT_ACTIONS, ...AGENT_ACTIONS]) {
    prefixes.set(action, endpoint(basePath, action));
    suffixes.set(action, isManagementAction(action) ? secureParam : "");
  }
  return (call) => {
    const prefix = prefixes.get(call.action);
    if (prefix === undefined) return buildPath(basePath, secure, call);
    return appendParams(prefix, call.params) + (suffixes.get(call.action) ?? "");
  };
}

export type PbxBase = { origin: string; basePath: string };

/** Reads and checks a base URL: http or https, no credentials, query or fragment; path prefix kept. */
export function parseBaseUrl(baseUrl: string): PbxBase {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(
      `The PBX base URL "${redact(baseUrl)}" is not a valid URL (expected e.g. http://pbx or https://pbx:8443/).`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`The PBX base URL must use http or https, not ${url.protocol.replace(/:$/, "")}.`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new Error("The PBX base URL must not contain a user name or password.");
  }
  if (url.search !== "" || url.hash !== "") {
    throw new Error("The PBX base URL must not contain a query or a fragment.");
  }
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, "") };
}
