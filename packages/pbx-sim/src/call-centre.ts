// The PBX's call centre: agents, queues, memberships and logins, and the two endpoints' rules exactly as
// crystal-api.md Part 2 states them (checks in the stated order, exact answer texts). No HTTP here.

import { SimConflictError } from "./errors.ts";
import type { ExtensionSet } from "./extensions.ts";
import { compareIds, isWellFormedId, isWellFormedName, isWellFormedPassword } from "./rules.ts";
import type { AgentState, PhoneChange, SimAgent, SimLogin, SimState } from "./types.ts";
import { parsePhoneChange, parseSimState } from "./validate.ts";

export type PbxAnswer = { status: number; body: string; storageFailure?: boolean };

/** Asked only once a call reached its storage check; true means "storage fails this time". */
export type StorageFailureCheck = (action: string) => boolean;

type Queue = { id: string; name: string; agentIds: Set<string> };

type Field = "agent_id" | "agent_pass" | "agent_name" | "agent_out_q" | "queue_id" | "queue_name";

type ManagementRule = { required: Field[]; optional: Field[] };

const MANAGEMENT_RULES: Record<string, ManagementRule> = {
  new_agent: { required: ["agent_id", "agent_pass", "agent_name", "agent_out_q"], optional: [] },
  edit_agent: { required: ["agent_id"], optional: ["agent_pass", "agent_name", "agent_out_q"] },
  del_agent: { required: ["agent_id"], optional: [] },
  new_queue: { required: ["queue_id", "queue_name"], optional: [] },
  edit_queue: { required: ["queue_id", "queue_name"], optional: [] },
  del_queue: { required: ["queue_id"], optional: [] },
  assign_agent: { required: ["agent_id", "queue_id"], optional: [] },
  release_agent: { required: ["agent_id", "queue_id"], optional: [] },
};

const FIELD_CHECKS: Record<Field, (value: string) => boolean> = {
  agent_id: isWellFormedId,
  queue_id: isWellFormedId,
  agent_out_q: isWellFormedId,
  agent_pass: isWellFormedPassword,
  agent_name: isWellFormedName,
  queue_name: isWellFormedName,
};

export const AGENT_ACTIONS = ["login", "logoff", "mission", "pause", "online"] as const;
type AgentAction = (typeof AGENT_ACTIONS)[number];

const STATE_OF_ACTION: Record<Exclude<AgentAction, "login" | "logoff">, AgentState> = {
  pause: "paused",
  online: "online",
  mission: "mission",
};

const INVALID_PARAMETERS = "Failed:1:invalid or missing parameters";

function ok(body: string): PbxAnswer {
  return { status: 200, body };
}

function storageFailed(body: string): PbxAnswer {
  return { status: 200, body, storageFailure: true };
}

function isManagementAction(action: string): boolean {
  return Object.hasOwn(MANAGEMENT_RULES, action);
}

function isAgentAction(action: string): action is AgentAction {
  return (AGENT_ACTIONS as readonly string[]).includes(action);
}

/** Reads `name` from the query: "" and absent are both returned as they are (null when absent). */
function param(params: URLSearchParams, name: string): string | null {
  return params.get(name);
}

function required(params: URLSearchParams, name: Field): string {
  return params.get(name) ?? "";
}

export type CallCentre = {
  management(params: URLSearchParams, storageFails: StorageFailureCheck): PbxAnswer;
  agentCommand(params: URLSearchParams): PbxAnswer;
  phone(change: unknown): void;
  seed(state: unknown): void;
  clear(): void;
  snapshot(): SimState;
  /** Grows with every state change; the server writes the state file when it moved. */
  revision(): number;
};

export function createCallCentre(secure: string, extensions: ExtensionSet): CallCentre {
  const agents = new Map<string, SimAgent>();
  const queues = new Map<string, Queue>();
  const logins = new Map<string, SimLogin>();
  let revision = 0;

  function changed(): void {
    revision += 1;
  }

  function activeAgent(id: string): SimAgent | undefined {
    const agent = agents.get(id);
    return agent?.active ? agent : undefined;
  }

  function loginAt(extension: string): SimLogin | undefined {
    for (const login of logins.values()) if (login.extension === extension) return login;
    return undefined;
  }

  // ---- management_api.php -------------------------------------------------------------------------

  function isWellFormedCall(action: string, params: URLSearchParams): boolean {
    if (!isManagementAction(action)) return false;
    if (param(params, "secure") !== secure) return false;
    const rule = MANAGEMENT_RULES[action];
    if (!rule) return false;
    const requiredOk = rule.required.every((field) => {
      const value = param(params, field);
      return value !== null && FIELD_CHECKS[field](value);
    });
    const optionalOk = rule.optional.every((field) => {
      const value = param(params, field);
      return value === null || FIELD_CHECKS[field](value);
    });
    return requiredOk && optionalOk;
  }

  function newAgent(params: URLSearchParams, storageFails: StorageFailureCheck): PbxAnswer {
    const id = required(params, "agent_id");
    const existing = agents.get(id);
    if (existing?.active) return ok(`Failed:4:agent already exists with id ${id}`);
    if (existing) return ok(`Failed:9:inactive agent already exists with id ${id}`);
    if (storageFails("new_agent")) return storageFailed("Failed:3:agent not created");
    agents.set(id, {
      id,
      name: required(params, "agent_name").trim(),
      password: required(params, "agent_pass"),
      outQueueId: required(params, "agent_out_q"),
      active: true,
    });
    changed();
    return ok("Success:0:agent created");
  }

  function editAgent(params: URLSearchParams, storageFails: StorageFailureCheck): PbxAnswer {
    const id = required(params, "agent_id");
    const agent = activeAgent(id);
    if (!agent) return ok("Failed:5:no such agent");
    const password = param(params, "agent_pass");
    const name = param(params, "agent_name")?.trim() ?? null;
    const outQueueId = param(params, "agent_out_q");
    if (password === null && name === null && outQueueId === null) return ok("Failed:10:nothing to do");
    const unchanged =
      (password === null || password === agent.password) &&
      (name === null || name === agent.name) &&
      (outQueueId === null || outQueueId === agent.outQueueId);
    if (unchanged) return ok(`Failed:10:agent ${id} not updated`);
    if (storageFails("edit_agent")) return storageFailed(`Failed:10:agent ${id} not updated`);
    if (password !== null) agent.password = password;
    if (name !== null) agent.name = name;
    if (outQueueId !== null) agent.outQueueId = outQueueId;
    changed();
    return ok(`Success:0:agent ${id} updated`);
  }

  function delAgent(params: URLSearchParams, storageFails: StorageFailureCheck): PbxAnswer {
    const id = required(params, "agent_id");
    const agent = activeAgent(id);
    if (!agent) return ok("Failed:5:no such agent");
    if (logins.has(id)) return ok("Failed:2:agent cannot be deleted while logged in");
    if (storageFails("del_agent")) return storageFailed("Failed:6:agent not deleted");
    agent.active = false;
    for (const queue of queues.values()) queue.agentIds.delete(id);
    changed();
    return ok("Success:0:agent deleted");
  }

  function newQueue(params: URLSearchParams, storageFails: StorageFailureCheck): PbxAnswer {
    const id = required(params, "queue_id");
    if (queues.has(id)) return ok("Failed:5:queue already exists");
    if (storageFails("new_queue")) return storageFailed("Failed:5:queue not created");
    queues.set(id, { id, name: required(params, "queue_name").trim(), agentIds: new Set() });
    changed();
    return ok("Success:0:queue created");
  }

  function editQueue(params: URLSearchParams, storageFails: StorageFailureCheck): PbxAnswer {
    const id = required(params, "queue_id");
    const queue = queues.get(id);
    if (!queue) return ok(`Failed:7:no such queue with id ${id}`);
    const name = required(params, "queue_name").trim();
    if (name === queue.name) return ok(`Failed:10:queue ${id} not updated`);
    if (storageFails("edit_queue")) return storageFailed(`Failed:10:queue ${id} not updated`);
    queue.name = name;
    changed();
    return ok(`Success:0:queue ${id} updated`);
  }

  function delQueue(params: URLSearchParams, storageFails: StorageFailureCheck): PbxAnswer {
    const id = required(params, "queue_id");
    if (!queues.has(id)) return ok(`Failed:7:no such queue with id ${id}`);
    if (storageFails("del_queue")) return storageFailed("Failed:8:queue not deleted");
    queues.delete(id);
    changed();
    return ok("Success:0:queue deleted");
  }

  function assignAgent(params: URLSearchParams): PbxAnswer {
    const agentId = required(params, "agent_id");
    const queueId = required(params, "queue_id");
    const queue = queues.get(queueId);
    if (!queue) return ok("Failed:11:invalid queue id");
    if (!activeAgent(agentId)) return ok("Failed:5:no such agent");
    if (queue.agentIds.has(agentId)) {
      return ok(`Failed:12:agent ${agentId} is already assigned to queue ${queueId}`);
    }
    queue.agentIds.add(agentId);
    changed();
    return ok(`Success:0:queue ${queueId} updated`);
  }

  function releaseAgent(params: URLSearchParams): PbxAnswer {
    const agentId = required(params, "agent_id");
    const queueId = required(params, "queue_id");
    const queue = queues.get(queueId);
    if (!queue) return ok("Failed:11:invalid queue id");
    if (!queue.agentIds.has(agentId)) {
      return ok(`Failed:13:agent ${agentId} is not assigned to queue ${queueId}`);
    }
    queue.agentIds.delete(agentId);
    changed();
    return ok(`Success:0:queue ${queueId} updated`);
  }

  function management(params: URLSearchParams, storageFails: StorageFailureCheck): PbxAnswer {
    const action = param(params, "action") ?? "";
    if (!isWellFormedCall(action, params)) return ok(INVALID_PARAMETERS);
    switch (action) {
      case "new_agent":
        return newAgent(params, storageFails);
      case "edit_agent":
        return editAgent(params, storageFails);
      case "del_agent":
        return delAgent(params, storageFails);
      case "new_queue":
        return newQueue(params, storageFails);
      case "edit_queue":
        return editQueue(params, storageFails);
      case "del_queue":
        return delQueue(params, storageFails);
      case "assign_agent":
        return assignAgent(params);
      case "release_agent":
        return releaseAgent(params);
      default:
        return ok(INVALID_PARAMETERS);
    }
  }

  // ---- agent_command.php --------------------------------------------------------------------------

  function login(agid: string, extension: string): PbxAnswer {
    if (!extensions.has(extension)) return ok("2: no such extension");
    if (logins.has(agid)) return ok(`3: Agent ${agid} not logged off!`);
    const holder = loginAt(extension);
    if (holder) return ok(`4: Exten ${extension} is inuse by ${holder.agentId}`);
    logins.set(agid, { agentId: agid, extension, state: "online" });
    changed();
    return ok(`0: OK login,${agid},${extension}`);
  }

  function logoff(agid: string): PbxAnswer {
    const current = logins.get(agid);
    if (!current) return ok(`5: Agent ${agid} is already logged off!`);
    logins.delete(agid);
    changed();
    return ok(`0: OK logoff,${agid},${current.extension}`);
  }

  function setState(action: keyof typeof STATE_OF_ACTION, agid: string): PbxAnswer {
    const current = logins.get(agid);
    if (!current) return ok(`5: Agent ${agid} is already logged off!`);
    const state = STATE_OF_ACTION[action];
    if (current.state !== state) {
      current.state = state;
      changed();
    }
    return ok(`0: OK ${action},${agid},${current.extension}`);
  }

  function agentCommand(params: URLSearchParams): PbxAnswer {
    const action = param(params, "action");
    if (action === null)
      return { status: 400, body: "Missing action: expected one of " + AGENT_ACTIONS.join(", ") };
    if (!isAgentAction(action)) {
      return { status: 400, body: `Unknown action "${action}": expected one of ${AGENT_ACTIONS.join(", ")}` };
    }
    const agid = param(params, "agid") ?? "";
    if (!isWellFormedId(agid) || !activeAgent(agid)) return ok("1: No such agent!");
    if (action === "login") return login(agid, param(params, "agext") ?? "");
    if (action === "logoff") return logoff(agid);
    return setState(action, agid);
  }

  // ---- outside the API: phone, seed, snapshot -----------------------------------------------------

  function phone(input: unknown): void {
    const change: PhoneChange = parsePhoneChange(input);
    const { agentId } = change;
    if (!activeAgent(agentId)) throw new SimConflictError(`Phone change: no active agent ${agentId}`);
    if (change.action === "login") {
      const answer = login(agentId, change.extension);
      if (!answer.body.startsWith("0:")) throw new SimConflictError(`Phone login refused: ${answer.body}`);
      return;
    }
    if (!logins.has(agentId)) {
      throw new SimConflictError(`Phone ${change.action}: agent ${agentId} is not logged in`);
    }
    if (change.action === "logoff") {
      logoff(agentId);
      return;
    }
    setState(change.action, agentId);
  }

  function clear(): void {
    agents.clear();
    queues.clear();
    logins.clear();
    changed();
  }

  function seed(input: unknown): void {
    const state = parseSimState(input, extensions);
    clear();
    for (const agent of state.agents) agents.set(agent.id, { ...agent });
    for (const queue of state.queues) {
      queues.set(queue.id, { id: queue.id, name: queue.name, agentIds: new Set(queue.agentIds) });
    }
    for (const login of state.logins) logins.set(login.agentId, { ...login });
  }

  function snapshot(): SimState {
    return {
      agents: [...agents.values()].map((agent) => ({ ...agent })).sort((a, b) => compareIds(a.id, b.id)),
      queues: [...queues.values()]
        .map((queue) => ({ id: queue.id, name: queue.name, agentIds: [...queue.agentIds].sort(compareIds) }))
        .sort((a, b) => compareIds(a.id, b.id)),
      logins: [...logins.values()]
        .map((login) => ({ ...login }))
        .sort((a, b) => compareIds(a.agentId, b.agentId)),
    };
  }

  return { management, agentCommand, phone, seed, clear, snapshot, revision: () => revision };
}
