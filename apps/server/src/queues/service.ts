// Queues and assignments: PBX first, then the registry, then the event. Assign and release are idempotent:
// "already assigned" and "not assigned" are the wanted state reached.
import type { ConsoleEvent, CreateQueueRequest, Queue, UpdateQueueRequest } from "@crystal-console/api";
import type { AssignAgentOutcome, PbxClient, ReleaseAgentOutcome } from "@crystal-console/crystal";
import type { Transaction } from "kysely";
import { agentEvent, agentEventOf } from "../agents/service.ts";
import { HttpError, notFound } from "../http/errors.ts";
import { type PbxAttempt, type WriteDeps, commit, commitNow, refuse, sendToPbx } from "../pbx/writes.ts";
import type { Statements } from "../registry/open.ts";
import {
  RETURNING_AGENT,
  SELECT_QUEUE_WITH_MEMBERS,
  type WrittenAgentRow,
  findAgentRow,
  getQueue,
  queueExists,
  toQueueWithMembers,
} from "../registry/read.ts";
import type { Database } from "../registry/schema.ts";

export type QueueDeps = WriteDeps & { pbx: PbxClient };

type Trx = Transaction<Database>;

async function queueEvent(trx: Trx, id: string): Promise<ConsoleEvent[]> {
  const queue = await getQueue(trx, id);
  return queue ? [{ type: "queue", queue }] : [];
}

async function requireQueue(deps: QueueDeps, id: string): Promise<Queue> {
  const queue = await getQueue(deps.db, id);
  if (!queue) throw notFound(`Queue ${id}`);
  return queue;
}

export async function createQueue(deps: QueueDeps, actor: string, input: CreateQueueRequest): Promise<Queue> {
  if (await queueExists(deps.db, input.id)) {
    throw new HttpError(409, "CONFLICT", `Queue ${input.id} already exists.`, {
      fields: { id: "A queue with this id already exists" },
      reasons: { id: "taken" },
    });
  }
  const attempt: PbxAttempt = {
    actor,
    action: "new_queue",
    queueId: input.id,
    params: { queue_id: input.id, queue_name: input.name },
  };
  const settle = () => createQueue(deps, "system:settle", input);
  const outcome = await sendToPbx(
    deps,
    attempt,
    () => deps.pbx.newQueue({ queueId: input.id, name: input.name }),
    settle,
  );
  if (outcome.kind !== "created" && outcome.kind !== "exists") throw await refuse(deps, attempt, outcome);
  if (outcome.kind === "exists") {
    // Adopt: the PBX already has this queue; give it the name the admin asked for.
    const adoptAttempt: PbxAttempt = { ...attempt, action: "edit_queue" };
    const edited = await sendToPbx(
      deps,
      adoptAttempt,
      () => deps.pbx.editQueue({ queueId: input.id, name: input.name }),
      settle,
    );
    if (edited.kind !== "updated" && edited.kind !== "notUpdated")
      throw await refuse(deps, adoptAttempt, edited);
  }
  await commit(
    deps,
    { ...attempt, pbx: outcome.pbx, outcome: outcome.kind === "created" ? "ok" : "converged" },
    async (trx) => {
      await trx.insertInto("queues").values({ id: input.id, name: input.name }).execute();
      return queueEvent(trx, input.id);
    },
  );
  return requireQueue(deps, input.id);
}

export async function updateQueue(
  deps: QueueDeps,
  actor: string,
  id: string,
  input: UpdateQueueRequest,
): Promise<Queue> {
  await requireQueue(deps, id);
  const attempt: PbxAttempt = {
    actor,
    action: "edit_queue",
    queueId: id,
    params: { queue_id: id, queue_name: input.name },
  };
  const outcome = await sendToPbx(
    deps,
    attempt,
    () => deps.pbx.editQueue({ queueId: id, name: input.name }),
    () => updateQueue(deps, "system:settle", id, input),
  );
  if (outcome.kind === "noSuchQueue")
    throw await refuse(deps, attempt, outcome, { conflict: `The PBX has no queue ${id}` });
  if (outcome.kind !== "updated" && outcome.kind !== "notUpdated") throw await refuse(deps, attempt, outcome);
  await commit(
    deps,
    { ...attempt, pbx: outcome.pbx, outcome: outcome.kind === "updated" ? "ok" : "converged" },
    async (trx) => {
      await trx.updateTable("queues").set({ name: input.name }).where("id", "=", id).execute();
      return queueEvent(trx, id);
    },
  );
  return requireQueue(deps, id);
}

export async function deleteQueue(deps: QueueDeps, actor: string, id: string): Promise<void> {
  const queue = await requireQueue(deps, id);
  const attempt: PbxAttempt = { actor, action: "del_queue", queueId: id, params: { queue_id: id } };
  const outcome = await sendToPbx(
    deps,
    attempt,
    () => deps.pbx.deleteQueue({ queueId: id }),
    () => deleteQueue(deps, "system:settle", id),
  );
  if (outcome.kind !== "deleted" && outcome.kind !== "noSuchQueue")
    throw await refuse(deps, attempt, outcome);
  await commit(
    deps,
    { ...attempt, pbx: outcome.pbx, outcome: outcome.kind === "deleted" ? "ok" : "converged" },
    async (trx) => {
      await trx.deleteFrom("memberships").where("queue_id", "=", id).execute();
      await trx.deleteFrom("queues").where("id", "=", id).execute();
      const events: ConsoleEvent[] = [{ type: "queueDeleted", queueId: id }];
      for (const agentId of queue.agentIds) events.push(...(await agentEvent(trx, agentId)));
      return events;
    },
  );
}

async function requireAssignable(deps: QueueDeps, queueId: string, agentId: string) {
  if (!(await queueExists(deps.db, queueId))) throw notFound(`Queue ${queueId}`);
  const agent = await findAgentRow(deps.db, agentId);
  if (!agent || agent.active !== 1) throw notFound(`Agent ${agentId}`);
}

// A membership change is a few statements whose SQL never changes (the busiest write of a bulk import), so
// it commits with commitNow, as a state change does: the agent comes back from its update, the queue from one
// read, and both events are built from those rows.
const ADD_MEMBER = `insert into "memberships" ("agent_id", "queue_id") values (?, ?) on conflict do nothing`;
const REMOVE_MEMBER = `delete from "memberships" where "agent_id" = ? and "queue_id" = ?`;
const CONFIRM_AGENT = `update "agents" set "confirmed" = 1 where "id" = ?
${RETURNING_AGENT}`;

function recordMembership(statements: Statements, queueId: string, agentId: string, member: boolean) {
  statements.prepare(member ? ADD_MEMBER : REMOVE_MEMBER).run(agentId, queueId);
  const agent = statements.prepare(CONFIRM_AGENT).get(agentId) as WrittenAgentRow | undefined;
  const queue = statements.prepare(SELECT_QUEUE_WITH_MEMBERS).get(queueId) as
    { id: string; name: string; agent_ids: string } | undefined;
  // A deleted queue gets no event (as the list leaves it out).
  return [
    ...agentEventOf(agent),
    ...(queue ? [{ type: "queue" as const, queue: toQueueWithMembers(queue) }] : []),
  ];
}

/** Assign (`member: true`) or release (`member: false`): both are ensures, so "already" answers succeed. */
async function ensureMembership(
  deps: QueueDeps,
  actor: string,
  queueId: string,
  agentId: string,
  member: boolean,
): Promise<void> {
  await requireAssignable(deps, queueId, agentId);
  const attempt: PbxAttempt = {
    actor,
    action: member ? "assign_agent" : "release_agent",
    agentId,
    queueId,
    params: { agent_id: agentId, queue_id: queueId },
  };
  const outcome = await sendToPbx<AssignAgentOutcome | ReleaseAgentOutcome>(
    deps,
    attempt,
    () => (member ? deps.pbx.assignAgent({ agentId, queueId }) : deps.pbx.releaseAgent({ agentId, queueId })),
    () => ensureMembership(deps, "system:settle", queueId, agentId, member),
  );
  switch (outcome.kind) {
    case "assigned":
    case "released":
    case "alreadyAssigned":
    case "notAssigned":
      break;
    case "invalidQueue":
      throw await refuse(deps, attempt, outcome, { conflict: `The PBX has no queue ${queueId}` });
    case "noSuchAgent":
      throw await refuse(deps, attempt, outcome, { conflict: `The PBX has no agent ${agentId}` });
    default:
      throw await refuse(deps, attempt, outcome);
  }
  const changed = outcome.kind === "assigned" || outcome.kind === "released";
  await commitNow(
    deps,
    { ...attempt, pbx: outcome.pbx, outcome: changed ? "ok" : "converged" },
    (statements) => recordMembership(statements, queueId, agentId, member),
  );
}

export const assignAgent = (deps: QueueDeps, actor: string, queueId: string, agentId: string) =>
  ensureMembership(deps, actor, queueId, agentId, true);

export const releaseAgent = (deps: QueueDeps, actor: string, queueId: string, agentId: string) =>
  ensureMembership(deps, actor, queueId, agentId, false);
