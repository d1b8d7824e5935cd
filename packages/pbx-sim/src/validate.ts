// Runtime checks for everything that reaches the simulator from outside TypeScript: the control API's
// JSON bodies, the state file, and library callers. Each parser returns a clean value or throws
// SimInputError with a message that names the offending field.

import { SimInputError } from "./errors.ts";
import type { ExtensionSet } from "./extensions.ts";
import { compareIds, isWellFormedId, isWellFormedName, isWellFormedPassword } from "./rules.ts";
import type {
  AgentState,
  Fault,
  FaultKind,
  Latency,
  PhoneChange,
  SimAgent,
  SimLogin,
  SimQueue,
  SimState,
} from "./types.ts";

const AGENT_STATES: readonly AgentState[] = ["online", "paused", "mission"];
const FAULT_KINDS: readonly FaultKind[] = ["storageFailure", "http500", "garbage", "hang", "reset"];
const PHONE_ACTIONS = ["login", "logoff", "pause", "online", "mission"] as const;

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function requireObject(value: unknown, what: string): JsonObject {
  if (!isObject(value)) throw new SimInputError(`${what} must be a JSON object`);
  return value;
}

function requireArray(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new SimInputError(`${what} must be an array`);
  return value;
}

function requireString(value: unknown, what: string): string {
  if (typeof value !== "string") throw new SimInputError(`${what} must be a string`);
  return value;
}

function requireId(value: unknown, what: string): string {
  const id = requireString(value, what);
  if (!isWellFormedId(id)) throw new SimInputError(`${what} must be 1 to 10 digits`);
  return id;
}

function requireName(value: unknown, what: string): string {
  const name = requireString(value, what);
  if (!isWellFormedName(name)) throw new SimInputError(`${what} must be 1 to 64 characters after trimming`);
  return name.trim();
}

function requireNumber(value: unknown, what: string, min: number, max = Number.POSITIVE_INFINITY): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    throw new SimInputError(`${what} must be a number from ${min}${max === Infinity ? "" : ` to ${max}`}`);
  }
  return value;
}

function byId<T extends { id: string }>(a: T, b: T): number {
  return compareIds(a.id, b.id);
}

function parseAgent(value: unknown, index: number): SimAgent {
  const where = `agents[${index}]`;
  const agent = requireObject(value, where);
  const password = requireString(agent.password, `${where}.password`);
  if (!isWellFormedPassword(password)) {
    throw new SimInputError(`${where}.password must be 1 to 32 characters without whitespace`);
  }
  if (typeof agent.active !== "boolean") throw new SimInputError(`${where}.active must be a boolean`);
  return {
    id: requireId(agent.id, `${where}.id`),
    name: requireName(agent.name, `${where}.name`),
    password,
    outQueueId: requireId(agent.outQueueId, `${where}.outQueueId`),
    active: agent.active,
  };
}

function parseQueue(value: unknown, index: number, agents: Map<string, SimAgent>): SimQueue {
  const where = `queues[${index}]`;
  const queue = requireObject(value, where);
  const agentIds = requireArray(queue.agentIds, `${where}.agentIds`).map((id, i) =>
    requireId(id, `${where}.agentIds[${i}]`),
  );
  for (const agentId of agentIds) {
    if (!agents.get(agentId)?.active) {
      throw new SimInputError(`${where}.agentIds: ${agentId} is not an active agent`);
    }
  }
  if (new Set(agentIds).size !== agentIds.length) throw new SimInputError(`${where}.agentIds has duplicates`);
  return {
    id: requireId(queue.id, `${where}.id`),
    name: requireName(queue.name, `${where}.name`),
    agentIds: [...agentIds].sort(compareIds),
  };
}

function parseLogin(
  value: unknown,
  index: number,
  agents: Map<string, SimAgent>,
  extensions: ExtensionSet,
): SimLogin {
  const where = `logins[${index}]`;
  const login = requireObject(value, where);
  const agentId = requireId(login.agentId, `${where}.agentId`);
  if (!agents.get(agentId)?.active) throw new SimInputError(`${where}: ${agentId} is not an active agent`);
  const extension = requireString(login.extension, `${where}.extension`);
  if (!extensions.has(extension)) {
    throw new SimInputError(`${where}: extension ${extension} is not in the PBX's set (${extensions.spec})`);
  }
  const state = login.state;
  if (typeof state !== "string" || !AGENT_STATES.includes(state as AgentState)) {
    throw new SimInputError(`${where}.state must be one of ${AGENT_STATES.join(", ")}`);
  }
  return { agentId, extension, state: state as AgentState };
}

function requireUnique(values: string[], what: string): void {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) throw new SimInputError(`${what} ${value} appears twice`);
    seen.add(value);
  }
}

/** A complete, consistent SimState: well-formed ids, members and logins only of active agents, free extensions. */
export function parseSimState(value: unknown, extensions: ExtensionSet): SimState {
  const state = requireObject(value, "state");
  const agents = requireArray(state.agents, "agents").map(parseAgent);
  requireUnique(
    agents.map((agent) => agent.id),
    "agent id",
  );
  const agentsById = new Map(agents.map((agent) => [agent.id, agent]));
  const queues = requireArray(state.queues, "queues").map((queue, i) => parseQueue(queue, i, agentsById));
  requireUnique(
    queues.map((queue) => queue.id),
    "queue id",
  );
  const logins = requireArray(state.logins, "logins").map((login, i) =>
    parseLogin(login, i, agentsById, extensions),
  );
  requireUnique(
    logins.map((login) => login.agentId),
    "logged-in agent",
  );
  requireUnique(
    logins.map((login) => login.extension),
    "extension",
  );
  return {
    agents: agents.sort(byId),
    queues: queues.sort(byId),
    logins: logins.sort((a, b) => compareIds(a.agentId, b.agentId)),
  };
}

export function parseFault(value: unknown): Fault {
  const fault = requireObject(value, "fault");
  const kind = fault.kind;
  if (typeof kind !== "string" || !FAULT_KINDS.includes(kind as FaultKind)) {
    throw new SimInputError(`fault.kind must be one of ${FAULT_KINDS.join(", ")}`);
  }
  const parsed: Fault = { kind: kind as FaultKind };
  if (fault.count !== undefined && fault.rate !== undefined) {
    throw new SimInputError("fault takes count or rate, not both");
  }
  if (fault.count !== undefined) {
    const count = requireNumber(fault.count, "fault.count", 1);
    if (!Number.isInteger(count)) throw new SimInputError("fault.count must be a whole number");
    parsed.count = count;
  }
  if (fault.rate !== undefined) parsed.rate = requireNumber(fault.rate, "fault.rate", 0, 1);
  if (fault.actions !== undefined) {
    parsed.actions = requireArray(fault.actions, "fault.actions").map((action, i) =>
      requireString(action, `fault.actions[${i}]`),
    );
  }
  return parsed;
}

export function parseLatency(value: unknown): Required<Latency> {
  const latency = requireObject(value, "latency");
  return {
    fixedMs: requireNumber(latency.fixedMs, "fixedMs", 0),
    jitterMs: latency.jitterMs === undefined ? 0 : requireNumber(latency.jitterMs, "jitterMs", 0),
  };
}

export function parsePhoneChange(value: unknown): PhoneChange {
  const change = requireObject(value, "phone change");
  const agentId = requireId(change.agentId, "agentId");
  const action = change.action;
  if (typeof action !== "string" || !PHONE_ACTIONS.includes(action as (typeof PHONE_ACTIONS)[number])) {
    throw new SimInputError(`action must be one of ${PHONE_ACTIONS.join(", ")}`);
  }
  if (action === "login") return { agentId, action, extension: requireString(change.extension, "extension") };
  return { agentId, action: action as Exclude<PhoneChange["action"], "login"> };
}
