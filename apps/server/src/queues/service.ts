// Queues and assignments through the one write path (pbx/writes.ts). Assign and release are ensures:
// "already assigned" and "not assigned" are the wanted state reached. Each returns a WriteOutcome.
import type { ConsoleEvent, CreateQueueRequest, Queue, UpdateQueueRequest } from "@crystal-console/api";
import type { AssignAgentOutcome, PbxClient, ReleaseAgentOutcome } from "@crystal-console/crystal";
import { HttpError, notFound } from "../http/errors.ts";
import {
  type Intent,
  type PbxAttempt,
  type Verdict,
  type WriteDeps,
  type WriteOutcome,
  refused,
  write,
} from "../pbx/writes.ts";
import { findAgentRow, refreshConfirmed } from "../registry/agents.ts";
import type { Tx } from "../registry/commit.ts";
import {
  addMembership,
  deleteQueue as deleteQueueRows,
  insertQueue,
  lockQueueRow,
  queueWithMembers,
  removeMembership,
  renameQueue,
} from "../registry/queues.ts";
import { getQueue, queueExists } from "../registry/read.ts";
import { deleteSettlesOfQueue } from "../registry/settles.ts";

export type QueueDeps = WriteDeps & { pbx: PbxClient };

const queueLock = (id: string) => `queue:${id}`;
export const membershipLock = (agentId: string, queueId: string) => `membership:${agentId}:${queueId}`;

async function queueEvents(tx: Tx, id: string): Promise<ConsoleEvent[]> {
  const queue = await queueWithMembers(tx, id);
  return queue ? [{ type: "queue", queue }] : [];
}

function committedQueue(events: readonly ConsoleEvent[], id: string): Queue {
  for (const event of events) if (event.type === "queue" && event.queue.id === id) return event.queue;
  throw notFound(`Queue ${id}`);
}

async function requireQueue(deps: QueueDeps, id: string): Promise<Queue> {
  const queue = await getQueue(deps.db, id);
  if (!queue) throw notFound(`Queue ${id}`);
  return queue;
}

/** A write to one queue: its attempt names the queue. */
type QueueAttempt = PbxAttempt & { queueId: string };

function queueIntent(attempt: QueueAttempt, redo: Intent["redo"]): Intent {
  const id = attempt.queueId;
  return { attempt, lock: queueLock(id), fact: queueLock(id), label: `queue ${id}`, redo };
}

const queueVerdict = (
  kind: "created" | "adopted" | "changed" | "converged",
  pbx: Verdict<Queue>["pbx"],
  id: string,
  facts: (tx: Tx) => Promise<void>,
): Verdict<Queue> => ({
  kind,
  pbx,
  facts: async (tx) => {
    await facts(tx);
    return queueEvents(tx, id);
  },
  value: (events) => committedQueue(events, id),
});

export async function createQueue(
  deps: QueueDeps,
  actor: string,
  input: CreateQueueRequest,
): Promise<WriteOutcome<Queue>> {
  if (await queueExists(deps.db, input.id)) {
    throw new HttpError(409, "CONFLICT", `Queue ${input.id} already exists.`, {
      fields: { id: "A queue with this id already exists" },
      reasons: { id: "taken" },
    });
  }
  const attempt: QueueAttempt = {
    actor,
    action: "new_queue",
    queueId: input.id,
    params: { queue_id: input.id, queue_name: input.name },
  };
  return write(deps, queueIntent(attempt, { op: "createQueue", input }), async (call) => {
    const outcome = await call(() => deps.pbx.newQueue({ queueId: input.id, name: input.name }));
    if (outcome.kind !== "created" && outcome.kind !== "exists") return refused(outcome);
    if (outcome.kind === "exists") {
      // Adopt: the PBX already has this queue; give it the name the admin asked for.
      const step = { action: "edit_queue" };
      const edited = await call(() => deps.pbx.editQueue({ queueId: input.id, name: input.name }), step);
      if (edited.kind !== "updated" && edited.kind !== "notUpdated") return refused(edited, { step });
    }
    return queueVerdict(outcome.kind === "created" ? "created" : "adopted", outcome.pbx, input.id, (tx) =>
      insertQueue(tx, input),
    );
  });
}

export async function updateQueue(
  deps: QueueDeps,
  actor: string,
  id: string,
  input: UpdateQueueRequest,
): Promise<WriteOutcome<Queue>> {
  await requireQueue(deps, id);
  const attempt: QueueAttempt = {
    actor,
    action: "edit_queue",
    queueId: id,
    params: { queue_id: id, queue_name: input.name },
  };
  return write(
    deps,
    queueIntent(attempt, { op: "updateQueue", input: { id, edit: input } }),
    async (call) => {
      const outcome = await call(() => deps.pbx.editQueue({ queueId: id, name: input.name }));
      if (outcome.kind === "noSuchQueue") return refused(outcome, { conflict: `The PBX has no queue ${id}` });
      if (outcome.kind !== "updated" && outcome.kind !== "notUpdated") return refused(outcome);
      return queueVerdict(outcome.kind === "updated" ? "changed" : "converged", outcome.pbx, id, (tx) =>
        renameQueue(tx, id, input.name),
      );
    },
  );
}

export async function deleteQueue(deps: QueueDeps, actor: string, id: string): Promise<WriteOutcome<void>> {
  await requireQueue(deps, id);
  const attempt: QueueAttempt = { actor, action: "del_queue", queueId: id, params: { queue_id: id } };
  return write(deps, queueIntent(attempt, { op: "deleteQueue", input: { id } }), async (call) => {
    const outcome = await call(() => deps.pbx.deleteQueue({ queueId: id }));
    if (outcome.kind !== "deleted" && outcome.kind !== "noSuchQueue") return refused(outcome);
    return {
      kind: outcome.kind === "deleted" ? "changed" : "converged",
      pbx: outcome.pbx,
      value: () => undefined,
      facts: async (tx) => {
        const agentIds = await deleteQueueRows(tx, id);
        await deleteSettlesOfQueue(tx, id);
        const events: ConsoleEvent[] = [{ type: "queueDeleted", queueId: id }];
        for (const agentId of agentIds) {
          const agent = await refreshConfirmed(tx, agentId);
          if (agent) events.push({ type: "agent", agent });
        }
        return events;
      },
    };
  });
}

async function requireAssignable(deps: QueueDeps, queueId: string, agentId: string) {
  if (!(await queueExists(deps.db, queueId))) throw notFound(`Queue ${queueId}`);
  const agent = await findAgentRow(deps.db, agentId);
  if (!agent || agent.active !== 1) throw notFound(`Agent ${agentId}`);
}

export type Membership = { queueId: string; agentId: string };

/** Assign (`member: true`) or release (`member: false`): both are ensures, so "already" answers succeed. */
export async function ensureMembership(
  deps: QueueDeps,
  actor: string,
  queueId: string,
  agentId: string,
  member: boolean,
): Promise<WriteOutcome<Membership>> {
  await requireAssignable(deps, queueId, agentId);
  const attempt: PbxAttempt = {
    actor,
    action: member ? "assign_agent" : "release_agent",
    agentId,
    queueId,
    params: { agent_id: agentId, queue_id: queueId },
  };
  const lock = membershipLock(agentId, queueId);
  const intent: Intent = {
    attempt,
    lock,
    fact: lock,
    label: `agent ${agentId} in queue ${queueId}`,
    redo: { op: "ensureMembership", input: { queueId, agentId, member } },
  };
  return write(deps, intent, async (call) => {
    const outcome = await call<AssignAgentOutcome | ReleaseAgentOutcome>(() =>
      member ? deps.pbx.assignAgent({ agentId, queueId }) : deps.pbx.releaseAgent({ agentId, queueId }),
    );
    switch (outcome.kind) {
      case "assigned":
      case "released":
      case "alreadyAssigned":
      case "notAssigned":
        break;
      case "invalidQueue":
        return refused(outcome, { conflict: `The PBX has no queue ${queueId}` });
      case "noSuchAgent":
        return refused(outcome, { conflict: `The PBX has no agent ${agentId}` });
      default:
        return refused(outcome);
    }
    const changed = outcome.kind === "assigned" || outcome.kind === "released";
    return {
      kind: changed ? "changed" : "converged",
      pbx: outcome.pbx,
      value: () => ({ queueId, agentId }),
      facts: async (tx) => {
        const queueLeft = await lockQueueRow(tx, queueId);
        // A deletion of the queue or the agent that committed first (after the PBX applied it after this
        // write) took the membership with it, as del_queue and del_agent do on the PBX.
        const agentLeft = (await findAgentRow(tx, agentId))?.active === 1;
        if (member && queueLeft && agentLeft) await addMembership(tx, agentId, queueId);
        else await removeMembership(tx, agentId, queueId);
        // The agent comes back from recomputing `confirmed` (this fact's settle row is gone now).
        const agent = await refreshConfirmed(tx, agentId);
        return [...(agent ? [{ type: "agent" as const, agent }] : []), ...(await queueEvents(tx, queueId))];
      },
    };
  });
}

export const assignAgent = (deps: QueueDeps, actor: string, queueId: string, agentId: string) =>
  ensureMembership(deps, actor, queueId, agentId, true);

export const releaseAgent = (deps: QueueDeps, actor: string, queueId: string, agentId: string) =>
  ensureMembership(deps, actor, queueId, agentId, false);
