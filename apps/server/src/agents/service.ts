// Agents: create, edit, delete and change state through the one write path (pbx/writes.ts): validated here,
// then the agent's turn, the PBX call, one commit. Every write is an "ensure": the PBX's "already" answers
// count as the wanted state reached. Each returns what happened (a WriteOutcome).
import type {
  Agent,
  AgentStateRequest,
  ConsoleEvent,
  CreateAgentRequest,
  UpdateAgentRequest,
} from "@crystal-console/api";
import type { AgentCommandOutcome, LoginOutcome, PbxClient } from "@crystal-console/crystal";
import { hashPassword } from "../auth/passwords.ts";
import type { Sessions } from "../auth/sessions.ts";
import { HttpError, notFound, validationError } from "../http/errors.ts";
import {
  type Intent,
  type PbxAttempt,
  type Verdict,
  type WriteDeps,
  type WriteOutcome,
  refused,
  write,
} from "../pbx/writes.ts";
import {
  type StatePatch,
  findAgentRow,
  retireAgent,
  setAgentState,
  updateAgentProfile,
  upsertAgent,
} from "../registry/agents.ts";
import type { Tx } from "../registry/commit.ts";
import { leaseHeld } from "../registry/locks.ts";
import { queueWithMembers } from "../registry/queues.ts";
import { queueExists } from "../registry/read.ts";
import type { AgentRow } from "../registry/schema.ts";
import { deleteSettlesOfAgent, markUnsettled } from "../registry/settles.ts";

export type AgentDeps = WriteDeps & {
  pbx: PbxClient;
  scryptLogN: number;
  sessions: Pick<Sessions, "endAllForAgent" | "forgetAgent">;
};

type Status = Agent["status"];

/** The order key of everything about one agent: state, profile and deletion take turns. */
export const agentLock = (id: string) => `agent:${id}`;
const stateFact = (id: string) => `agent:${id}:state`;
const profileFact = (id: string) => `agent:${id}:profile`;
const UNKNOWN_EXTENSION = "logged in at an extension the PBX did not name";

const agentEvents = (agent: Agent | null): ConsoleEvent[] => (agent ? [{ type: "agent", agent }] : []);

/** The agent as committed, from the events of its commit (no second read); 404 if it was retired meanwhile. */
function committedAgent(events: readonly ConsoleEvent[], id: string): Agent {
  for (const event of events) if (event.type === "agent" && event.agent.id === id) return event.agent;
  throw notFound(`Agent ${id}`);
}

function written<T extends "created" | "adopted" | "changed" | "converged">(
  kind: T,
  pbx: Verdict<Agent>["pbx"],
  id: string,
  facts: (tx: Tx) => Promise<ConsoleEvent[]>,
): Verdict<Agent> {
  return { kind, pbx, facts, value: (events) => committedAgent(events, id) };
}

async function requireActiveAgent(deps: AgentDeps, id: string): Promise<AgentRow> {
  const row = await findAgentRow(deps.db, id);
  if (!row || row.active !== 1) throw notFound(`Agent ${id}`);
  return row;
}

async function requireKnownQueue(deps: AgentDeps, queueId: string, field: string): Promise<void> {
  if (!(await queueExists(deps.db, queueId))) {
    throw validationError({ [field]: `Queue ${queueId} does not exist in the console` }, undefined, {
      [field]: "unknown_queue",
    });
  }
}

function retiredError(id: string): HttpError {
  return new HttpError(
    409,
    "CONFLICT",
    `Agent id ${id} belonged to a deleted agent. The PBX keeps deleted ids forever, so it can never be used again.`,
    {
      fields: { id: "This id belonged to a deleted agent and can never be used again" },
      reasons: { id: "retired" },
    },
  );
}

/** A write to one agent: its attempt names the agent. */
type AgentAttempt = PbxAttempt & { agentId: string };

function agentIntent(attempt: AgentAttempt, fact: string, redo: Intent["redo"], secret?: unknown): Intent {
  const id = attempt.agentId;
  return {
    attempt,
    lock: agentLock(id),
    fact,
    label: `agent ${id}`,
    redo,
    ...(secret !== undefined ? { secret } : {}),
  };
}

// ---------------------------------------------------------------- create, edit, delete

export async function createAgent(
  deps: AgentDeps,
  actor: string,
  input: CreateAgentRequest,
  options: {
    /** A hash of `input.password` computed earlier (the demo reuses one for every demo agent). */
    knownHash?: string | undefined;
    /** Created by an import (the agent's first history interval says so). */
    imported?: boolean;
  } = {},
): Promise<WriteOutcome<Agent>> {
  const existing = await findAgentRow(deps.db, input.id);
  if (existing?.active === 1) {
    throw new HttpError(409, "CONFLICT", `Agent ${input.id} already exists.`, {
      fields: { id: "An agent with this id already exists" },
      reasons: { id: "taken" },
    });
  }
  if (existing?.active === 0) throw retiredError(input.id);
  await requireKnownQueue(deps, input.outQueueId, "outQueueId");

  const attempt: AgentAttempt = {
    actor,
    action: "new_agent",
    agentId: input.id,
    params: { agent_id: input.id, agent_name: input.name, agent_out_q: input.outQueueId, password: "***" },
  };
  // Hashing (scrypt) happens before the agent's turn: the turn is held only for the PBX call and the commit.
  const passwordHash = options.knownHash ?? (await hashPassword(input.password, deps.scryptLogN));
  const { password, ...withoutPassword } = input;
  const intent = {
    ...agentIntent(attempt, agentLock(input.id), { op: "createAgent", input: withoutPassword }, { password }),
    ...(options.imported ? { imported: true } : {}),
  };
  const record = (active: 0 | 1) => async (tx: Tx) =>
    agentEvents(await upsertAgent(tx, { ...withoutPassword, passwordHash, active, actor }));
  const pbxAgent = { agentId: input.id, name: input.name, password, outQueueId: input.outQueueId };

  return write(deps, intent, async (call) => {
    const outcome = await call(() => deps.pbx.newAgent(pbxAgent));
    switch (outcome.kind) {
      case "created":
        return written("created", outcome.pbx, input.id, record(1));
      case "exists": {
        // Adopt: the PBX already has this agent; make it match what the admin asked for.
        const step = { action: "edit_agent", detail: "adopting an agent the PBX already had" };
        const edited = await call(() => deps.pbx.editAgent(pbxAgent), step);
        if (edited.kind !== "updated" && edited.kind !== "notUpdated") return refused(edited, { step });
        return written("adopted", outcome.pbx, input.id, record(1));
      }
      case "inactiveExists":
        return refused(outcome, {
          conflict: `Agent id ${input.id} belonged to a deleted agent and can never be used again`,
          facts: record(0),
        });
      default:
        return refused(outcome);
    }
  });
}

export async function updateAgent(
  deps: AgentDeps,
  actor: string,
  id: string,
  input: UpdateAgentRequest,
): Promise<WriteOutcome<Agent>> {
  await requireActiveAgent(deps, id);
  if (input.outQueueId !== undefined) await requireKnownQueue(deps, input.outQueueId, "outQueueId");
  const params: Record<string, string> = { agent_id: id };
  if (input.name !== undefined) params.agent_name = input.name;
  if (input.outQueueId !== undefined) params.agent_out_q = input.outQueueId;
  if (input.password !== undefined) params.password = "***";
  const attempt: AgentAttempt = { actor, action: "edit_agent", agentId: id, params };
  const passwordHash =
    input.password === undefined ? undefined : await hashPassword(input.password, deps.scryptLogN);
  const { password, ...withoutPassword } = input;
  const intent = agentIntent(
    attempt,
    profileFact(id),
    { op: "updateAgent", input: { id, edit: withoutPassword } },
    password === undefined ? undefined : { password },
  );
  const outcome = await write<Agent>(deps, intent, async (call) => {
    const outcome = await call(() => deps.pbx.editAgent({ agentId: id, ...input }));
    if (outcome.kind === "noSuchAgent") return refused(outcome, { conflict: `The PBX has no agent ${id}` });
    if (outcome.kind !== "updated" && outcome.kind !== "notUpdated" && outcome.kind !== "nothingToDo") {
      return refused(outcome);
    }
    return {
      ...written(outcome.kind === "updated" ? "changed" : "converged", outcome.pbx, id, async (tx) => {
        const agent = await updateAgentProfile(tx, id, {
          ...withoutPassword,
          ...(passwordHash !== undefined ? { passwordHash } : {}),
        });
        // A new password ends the agent's sessions, as a console user's password reset does.
        if (passwordHash !== undefined) await deps.sessions.endAllForAgent(id, tx);
        return agentEvents(agent);
      }),
      // An edit settles an earlier unknown edit only if it sets every field that one did.
      covers: (waiting) => coversFields(waiting, params),
    };
  });
  if (passwordHash !== undefined) deps.sessions.forgetAgent(id);
  return outcome;
}

function coversFields(waitingAttempt: string | null, params: Record<string, string>): boolean {
  if (waitingAttempt === null) return true;
  const waiting = JSON.parse(waitingAttempt) as PbxAttempt;
  return Object.keys(waiting.params).every((key) => key in params);
}

export async function deleteAgent(deps: AgentDeps, actor: string, id: string): Promise<WriteOutcome<void>> {
  await requireActiveAgent(deps, id);
  const attempt: AgentAttempt = { actor, action: "del_agent", agentId: id, params: { agent_id: id } };
  const intent = agentIntent(attempt, agentLock(id), { op: "deleteAgent", input: { id } });
  const outcome = await write<void>(deps, intent, async (call) => {
    const outcome = await call(() => deps.pbx.deleteAgent({ agentId: id }));
    if (outcome.kind === "loggedIn") {
      return refused(outcome, {
        conflict: `Agent ${id} is logged in; log it off before deleting it`,
        ...(await correctToLoggedIn(deps, id, actor)),
      });
    }
    if (outcome.kind !== "deleted" && outcome.kind !== "noSuchAgent") return refused(outcome);
    return {
      kind: outcome.kind === "deleted" ? "changed" : "converged",
      pbx: outcome.pbx,
      value: () => undefined,
      facts: async (tx) => {
        const queueIds = await retireAgent(tx, id);
        await deleteSettlesOfAgent(tx, id);
        // A deleted agent is signed out everywhere.
        await deps.sessions.endAllForAgent(id, tx);
        const events: ConsoleEvent[] = [{ type: "agentDeleted", agentId: id }];
        for (const queueId of queueIds) {
          const queue = await queueWithMembers(tx, queueId);
          if (queue) events.push({ type: "queue", queue });
        }
        return events;
      },
    };
  });
  deps.sessions.forgetAgent(id);
  return outcome;
}

// ---------------------------------------------------------------- state

/**
 * The PBX says the agent is logged in somewhere. Read under the agent's turn (every state write holds it):
 * when the registry has it logged off, it becomes online at an extension nobody knows, unconfirmed.
 */
async function correctToLoggedIn(deps: AgentDeps, id: string, actor: string) {
  const row = await findAgentRow(deps.db, id);
  if (row?.status !== "logged_off") return {};
  return {
    unsettled: UNKNOWN_EXTENSION,
    facts: async (tx: Tx) =>
      agentEvents(await setAgentState(tx, id, { status: "online", extension: null }, actor)),
  };
}

const statusOf = { login: "online", pause: "paused", online: "online", mission: "mission" } as const;

export async function changeAgentState(
  deps: AgentDeps,
  actor: string,
  id: string,
  request: AgentStateRequest,
): Promise<WriteOutcome<Agent>> {
  await requireActiveAgent(deps, id);
  const params: Record<string, string> = { agid: id };
  if (request.action === "login") params.agext = request.extension;
  if (request.action === "pause" && request.reason) params.reason = request.reason;
  const attempt: AgentAttempt = { actor, action: request.action, agentId: id, params };
  const intent = agentIntent(attempt, stateFact(id), { op: "changeAgentState", input: { id, request } });
  const toState = (patch: StatePatch) => async (tx: Tx) =>
    agentEvents(await setAgentState(tx, id, patch, actor));
  const toLoggedOff = toState({ status: "logged_off", extension: null });

  return write(deps, intent, async (call) => {
    const outcome = await call(() => sendCommand(deps.pbx, id, request));
    switch (outcome.kind) {
      case "ok": {
        const status: Status = request.action === "logoff" ? "logged_off" : statusOf[request.action];
        const extension = request.action === "logoff" ? null : outcome.extension;
        const pauseReason = request.action === "pause" ? (request.reason ?? null) : null;
        return written("changed", outcome.pbx, id, toState({ status, extension, pauseReason }));
      }
      case "alreadyLoggedOff":
        if (request.action === "logoff") return written("converged", outcome.pbx, id, toLoggedOff);
        return refused(outcome, { conflict: `Agent ${id} is logged off`, facts: toLoggedOff });
      case "notLoggedOff":
        return refused(outcome, {
          conflict: `Agent ${id} is already logged in`,
          ...(await correctToLoggedIn(deps, id, actor)),
        });
      case "extensionInUse":
        return refused(outcome, {
          conflict: `Extension ${params.agext} is in use by agent ${outcome.byAgentId}`,
          facts: (tx) => correctExtensionHolder(tx, id, params.agext ?? "", outcome.byAgentId, actor),
        });
      case "noSuchExtension":
        return refused(outcome, {
          conflict: `The PBX has no extension ${params.agext}`,
          fields: { extension: "No such extension on the PBX" },
        });
      case "noSuchAgent":
        return refused(outcome, { conflict: `The PBX has no agent ${id}` });
      default:
        return refused(outcome);
    }
  });
}

function sendCommand(
  pbx: PbxClient,
  agentId: string,
  request: AgentStateRequest,
): Promise<LoginOutcome | AgentCommandOutcome> {
  switch (request.action) {
    case "login":
      return pbx.login({ agentId, extension: request.extension });
    case "logoff":
      return pbx.logoff({ agentId });
    case "pause":
      return pbx.pause({ agentId });
    case "online":
      return pbx.online({ agentId });
    case "mission":
      return pbx.mission({ agentId });
  }
}

/**
 * Answer 4 reveals two facts: this agent is logged off (answer 3 is checked first), and `holderId` holds the
 * extension. Both are corrected; the holder only while no write of its own is in flight (its turn is not
 * ours to take, and its own answer will say more).
 */
async function correctExtensionHolder(
  tx: Tx,
  id: string,
  extension: string,
  holderId: string,
  actor: string,
): Promise<ConsoleEvent[]> {
  const events = agentEvents(await setAgentState(tx, id, { status: "logged_off", extension: null }, actor));
  const holder = await findAgentRow(tx, holderId);
  if (holder?.active !== 1 || holder.extension === extension || (await leaseHeld(tx, agentLock(holderId)))) {
    return events;
  }
  // Logged in at this extension; in which state is known only if the registry had it logged in.
  if (holder.status === "logged_off")
    await markUnsettled(tx, stateFact(holderId), holderId, UNKNOWN_EXTENSION);
  const status = holder.status === "logged_off" ? "online" : holder.status;
  events.push(...agentEvents(await setAgentState(tx, holderId, { status, extension }, actor)));
  return events;
}
