// Agents: create, edit, delete and change state, PBX first, then the registry, then the event.
// Every write is an "ensure": the PBX's "already" answers count as the wanted state reached.
import type {
  Agent,
  AgentStateRequest,
  ConsoleEvent,
  CreateAgentRequest,
  UpdateAgentRequest,
} from "@crystal-console/api";
import type { AgentCommandOutcome, LoginOutcome, PbxClient } from "@crystal-console/crystal";
import type { Transaction } from "kysely";
import { hashPassword } from "../auth/passwords.ts";
import type { Sessions } from "../auth/sessions.ts";
import { HttpError, notFound, validationError } from "../http/errors.ts";
import { type PbxAttempt, type WriteDeps, commit, commitNow, refuse, sendToPbx } from "../pbx/writes.ts";
import {
  RETURNING_AGENT,
  SELECT_AGENT,
  type WrittenAgentRow,
  findAgentRow,
  getAgent,
  getQueue,
  queueExists,
  toAgentWithQueues,
} from "../registry/read.ts";
import { type Statements, statementsIn } from "../registry/open.ts";
import type { AgentRow, Database } from "../registry/schema.ts";

export type AgentDeps = WriteDeps & {
  pbx: PbxClient;
  scryptLogN: number;
  sessions: Pick<Sessions, "endAllForAgent">;
};

type Trx = Transaction<Database>;
type Status = Agent["status"];

export async function agentEvent(trx: Trx, id: string): Promise<ConsoleEvent[]> {
  const agent = await getAgent(trx, id);
  return agent ? [{ type: "agent", agent }] : [];
}

/** The agent as committed, from the events of its commit (no second read); 404 if it was retired meanwhile. */
function committedAgent(events: readonly ConsoleEvent[], id: string): Agent {
  for (const event of events) if (event.type === "agent" && event.agent.id === id) return event.agent;
  throw notFound(`Agent ${id}`);
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

// ---------------------------------------------------------------- create, edit, delete

export async function createAgent(
  deps: AgentDeps,
  actor: string,
  input: CreateAgentRequest,
  /** A hash of `input.password` computed earlier (the demo reuses one for every demo agent). */
  knownHash?: string,
): Promise<Agent> {
  const existing = await findAgentRow(deps.db, input.id);
  if (existing?.active === 1) {
    throw new HttpError(409, "CONFLICT", `Agent ${input.id} already exists.`, {
      fields: { id: "An agent with this id already exists" },
      reasons: { id: "taken" },
    });
  }
  if (existing?.active === 0) throw retiredError(input.id);
  await requireKnownQueue(deps, input.outQueueId, "outQueueId");

  const attempt: PbxAttempt = {
    actor,
    action: "new_agent",
    agentId: input.id,
    params: { agent_id: input.id, agent_name: input.name, agent_out_q: input.outQueueId, password: "***" },
  };
  const passwordHash = knownHash ?? (await hashPassword(input.password, deps.scryptLogN));
  const settle = () => createAgent(deps, "system:settle", input, passwordHash);
  const outcome = await sendToPbx(
    deps,
    attempt,
    () =>
      deps.pbx.newAgent({
        agentId: input.id,
        name: input.name,
        password: input.password,
        outQueueId: input.outQueueId,
      }),
    settle,
  );

  switch (outcome.kind) {
    case "created":
      break;
    case "exists": {
      // Adopt: the PBX already has this agent; make it match what the admin asked for.
      const adoptAttempt = {
        ...attempt,
        action: "edit_agent",
        detail: "adopting an agent the PBX already had",
      };
      const edited = await sendToPbx(
        deps,
        adoptAttempt,
        () =>
          deps.pbx.editAgent({
            agentId: input.id,
            name: input.name,
            password: input.password,
            outQueueId: input.outQueueId,
          }),
        settle,
      );
      if (edited.kind !== "updated" && edited.kind !== "notUpdated")
        throw await refuse(deps, adoptAttempt, edited);
      break;
    }
    case "inactiveExists":
      throw await refuse(deps, attempt, outcome, {
        conflict: `Agent id ${input.id} belonged to a deleted agent and can never be used again`,
        correct: (trx) => insertAgent(statementsIn(deps.db, trx), input, passwordHash, actor, 0),
      });
    default:
      throw await refuse(deps, attempt, outcome);
  }

  const events = await commitNow(
    deps,
    { ...attempt, pbx: outcome.pbx, outcome: outcome.kind === "created" ? "ok" : "converged" },
    (statements) => insertAgent(statements, input, passwordHash, actor, 1),
  );
  return committedAgent(events, input.id);
}

// Records an agent (or, for an id the PBX keeps as deleted, its retired row) and returns its `agent` event,
// built from the row the statement returns. An id the registry already has keeps its state.
const INSERT_AGENT = `insert into "agents" ("id", "name", "out_queue_id", "password_hash", "active", "status",
  "extension", "status_since", "status_by", "pause_reason", "confirmed")
values (@id, @name, @outQueueId, @passwordHash, @active, 'logged_off', null, @now, @actor, null, 1)
on conflict ("id") do update set "name" = excluded."name", "out_queue_id" = excluded."out_queue_id",
  "password_hash" = excluded."password_hash", "active" = excluded."active"
${RETURNING_AGENT}`;

function insertAgent(
  statements: Statements,
  input: CreateAgentRequest,
  passwordHash: string,
  actor: string,
  active: 0 | 1,
): ConsoleEvent[] {
  const row = statements.prepare(INSERT_AGENT).get({
    id: input.id,
    name: input.name,
    outQueueId: input.outQueueId,
    passwordHash,
    active,
    now: new Date().toISOString(),
    actor,
  }) as WrittenAgentRow;
  return agentEventOf(row);
}

export async function updateAgent(
  deps: AgentDeps,
  actor: string,
  id: string,
  input: UpdateAgentRequest,
): Promise<Agent> {
  await requireActiveAgent(deps, id);
  if (input.outQueueId !== undefined) await requireKnownQueue(deps, input.outQueueId, "outQueueId");
  const params: Record<string, string> = { agent_id: id };
  if (input.name !== undefined) params.agent_name = input.name;
  if (input.outQueueId !== undefined) params.agent_out_q = input.outQueueId;
  if (input.password !== undefined) params.password = "***";
  const attempt: PbxAttempt = { actor, action: "edit_agent", agentId: id, params };
  const passwordHash =
    input.password === undefined ? undefined : await hashPassword(input.password, deps.scryptLogN);
  const outcome = await sendToPbx(
    deps,
    attempt,
    () => deps.pbx.editAgent({ agentId: id, ...input }),
    () => updateAgent(deps, "system:settle", id, input),
  );
  if (outcome.kind === "noSuchAgent") {
    throw await refuse(deps, attempt, outcome, { conflict: `The PBX has no agent ${id}` });
  }
  if (outcome.kind !== "updated" && outcome.kind !== "notUpdated" && outcome.kind !== "nothingToDo") {
    throw await refuse(deps, attempt, outcome);
  }
  const events = await commit(
    deps,
    { ...attempt, pbx: outcome.pbx, outcome: outcome.kind === "updated" ? "ok" : "converged" },
    async (trx) => {
      await trx
        .updateTable("agents")
        .set({
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.outQueueId !== undefined ? { out_queue_id: input.outQueueId } : {}),
          ...(passwordHash !== undefined ? { password_hash: passwordHash } : {}),
          confirmed: 1,
        })
        .where("id", "=", id)
        .execute();
      // A new password ends the agent's sessions, as a console user's password reset does.
      if (passwordHash !== undefined) await deps.sessions.endAllForAgent(id, trx);
      return agentEvent(trx, id);
    },
  );
  return committedAgent(events, id);
}

export async function deleteAgent(deps: AgentDeps, actor: string, id: string): Promise<void> {
  const row = await requireActiveAgent(deps, id);
  const attempt: PbxAttempt = { actor, action: "del_agent", agentId: id, params: { agent_id: id } };
  const outcome = await sendToPbx(
    deps,
    attempt,
    () => deps.pbx.deleteAgent({ agentId: id }),
    () => deleteAgent(deps, "system:settle", id),
  );
  if (outcome.kind === "loggedIn") {
    throw await refuse(deps, attempt, outcome, {
      conflict: `Agent ${id} is logged in; log it off before deleting it`,
      correct: (trx) => correctToLoggedIn(statementsIn(deps.db, trx), row, actor),
    });
  }
  if (outcome.kind !== "deleted" && outcome.kind !== "noSuchAgent")
    throw await refuse(deps, attempt, outcome);
  const queueIds = (
    await deps.db.selectFrom("memberships").select("queue_id").where("agent_id", "=", id).execute()
  ).map((m) => m.queue_id);
  await commit(
    deps,
    { ...attempt, pbx: outcome.pbx, outcome: outcome.kind === "deleted" ? "ok" : "converged" },
    async (trx) => {
      await trx.deleteFrom("memberships").where("agent_id", "=", id).execute();
      await trx
        .updateTable("agents")
        .set({
          active: 0,
          status: "logged_off",
          extension: null,
          pause_reason: null,
          password_hash: null,
          confirmed: 1,
        })
        .where("id", "=", id)
        .execute();
      // A deleted agent is signed out everywhere.
      await deps.sessions.endAllForAgent(id, trx);
      const events: ConsoleEvent[] = [{ type: "agentDeleted", agentId: id }];
      for (const queueId of queueIds) {
        const queue = await getQueue(trx, queueId);
        if (queue) events.push({ type: "queue", queue });
      }
      return events;
    },
  );
}

// ---------------------------------------------------------------- state

type StatePatch = {
  status: Status;
  extension: string | null;
  pauseReason?: string | null;
  confirmed?: boolean;
};

// One statement: it decides from the row as it is at commit (not as read before the PBX call) whether the
// state really changed (the same state again, e.g. pause twice, keeps `status_since`), keeps the pause reason
// of a pause that names none, and returns the new row with its queue ids, so the event is built from it
// without reading the agent again.
const SET_STATE = `update "agents" set
  "status" = @status,
  "extension" = @extension,
  "pause_reason" = case when @status = 'paused' then coalesce(@pauseReason, "pause_reason") else null end,
  "status_since" = case when "status" = @status and "extension" is @extension then "status_since" else @now end,
  "status_by" = @actor,
  "confirmed" = @confirmed
where "id" = @id
${RETURNING_AGENT}`;

/** Sets an agent's state in the transaction `statements` run in; its `agent` event (none if it is retired). */
function setState(statements: Statements, id: string, patch: StatePatch, actor: string): ConsoleEvent[] {
  const row = statements.prepare(SET_STATE).get({
    status: patch.status,
    extension: patch.extension,
    pauseReason: patch.pauseReason ?? null,
    now: new Date().toISOString(),
    actor,
    confirmed: patch.confirmed === false ? 0 : 1,
    id,
  }) as WrittenAgentRow | undefined;
  return agentEventOf(row);
}

/** The `agent` event of a row written with RETURNING_AGENT: none for a retired agent (the lists leave it out). */
export function agentEventOf(row: WrittenAgentRow | undefined): ConsoleEvent[] {
  return row?.active === 1 ? [{ type: "agent", agent: toAgentWithQueues(row, row.queue_ids) }] : [];
}

/** The PBX says the agent is logged in somewhere; keep what we know, or mark it online at an unknown extension. */
function correctToLoggedIn(statements: Statements, row: AgentRow, actor: string): ConsoleEvent[] {
  if (row.status !== "logged_off") return [];
  return setState(statements, row.id, { status: "online", extension: null, confirmed: false }, actor);
}

const statusOf = { login: "online", pause: "paused", online: "online", mission: "mission" } as const;

export async function changeAgentState(
  deps: AgentDeps,
  actor: string,
  id: string,
  request: AgentStateRequest,
): Promise<Agent> {
  const row = await requireActiveAgent(deps, id);
  const params: Record<string, string> = { agid: id };
  if (request.action === "login") params.agext = request.extension;
  if (request.action === "pause" && request.reason) params.reason = request.reason;
  const attempt: PbxAttempt = { actor, action: request.action, agentId: id, params };
  const settle = () => changeAgentState(deps, "system:settle", id, request);
  const send = () => sendCommand(deps.pbx, id, request);
  const outcome = await sendToPbx(deps, attempt, send, settle);

  if (outcome.kind === "ok") {
    const status = request.action === "logoff" ? "logged_off" : statusOf[request.action];
    const extension = request.action === "logoff" ? null : outcome.extension;
    const pauseReason = request.action === "pause" ? (request.reason ?? null) : null;
    const events = await commitNow(deps, { ...attempt, pbx: outcome.pbx, outcome: "ok" }, (statements) =>
      setState(statements, id, { status, extension, pauseReason }, actor),
    );
    return committedAgent(events, id);
  }

  if (outcome.kind === "alreadyLoggedOff") {
    const toLoggedOff = (statements: Statements) =>
      setState(statements, id, { status: "logged_off", extension: null }, actor);
    if (request.action === "logoff") {
      const audit = { ...attempt, pbx: outcome.pbx, outcome: "converged" as const };
      return committedAgent(await commitNow(deps, audit, toLoggedOff), id);
    }
    throw await refuse(deps, attempt, outcome, {
      conflict: `Agent ${id} is logged off`,
      correct: (trx) => toLoggedOff(statementsIn(deps.db, trx)),
    });
  }

  switch (outcome.kind) {
    case "notLoggedOff":
      throw await refuse(deps, attempt, outcome, {
        conflict: `Agent ${id} is already logged in`,
        correct: (trx) => correctToLoggedIn(statementsIn(deps.db, trx), row, actor),
      });
    case "extensionInUse":
      throw await refuse(deps, attempt, outcome, {
        conflict: `Extension ${params.agext} is in use by agent ${outcome.byAgentId}`,
        correct: (trx) =>
          correctExtensionHolder(
            statementsIn(deps.db, trx),
            row,
            params.agext ?? "",
            outcome.byAgentId,
            actor,
          ),
      });
    case "noSuchExtension":
      throw await refuse(deps, attempt, outcome, {
        conflict: `The PBX has no extension ${params.agext}`,
        fields: { extension: "No such extension on the PBX" },
      });
    case "noSuchAgent":
      throw await refuse(deps, attempt, outcome, { conflict: `The PBX has no agent ${id}` });
    default:
      throw await refuse(deps, attempt, outcome);
  }
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
 * extension. Correct both in the registry.
 */
function correctExtensionHolder(
  statements: Statements,
  row: AgentRow,
  extension: string,
  holderId: string,
  actor: string,
): ConsoleEvent[] {
  const events = setState(statements, row.id, { status: "logged_off", extension: null }, actor);
  const holder = statements.prepare(SELECT_AGENT).get(holderId) as AgentRow | undefined;
  if (holder?.active === 1 && holder.extension !== extension) {
    const status = holder.status === "logged_off" ? "online" : holder.status;
    events.push(
      ...setState(
        statements,
        holder.id,
        { status, extension, confirmed: holder.status !== "logged_off" },
        actor,
      ),
    );
  }
  return events;
}
