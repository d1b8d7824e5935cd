// The alerts, worked out in memory from the committed events: which pauses are past their reason's limit
// and which queues have fewer agents online than their minimum. Pure (no I/O, no clock of its own): the
// monitor (monitor.ts) feeds it events and the time, and records what it answers.
import type {
  Agent,
  AgentStatus,
  Alert,
  AlertState,
  ConsoleEvent,
  Policy,
  Queue,
} from "@crystal-console/api";
import { alertKey } from "@crystal-console/api";

export type AlertChange = { state: AlertState; alert: Alert };

type AgentFacts = { status: AgentStatus; sinceMs: number; reason: string | null; queueIds: Set<string> };

const pauseKey = (agentId: string) => `pause_overdue:${agentId}`;
const queueKey = (queueId: string) => `queue_understaffed:${queueId}`;
const iso = (ms: number) => new Date(ms).toISOString();

function sameAlert(a: Alert, b: Alert): boolean {
  if (a.kind === "pause_overdue" && b.kind === "pause_overdue") {
    return (
      a.agentId === b.agentId &&
      a.reason === b.reason &&
      a.since === b.since &&
      a.limitSeconds === b.limitSeconds
    );
  }
  if (a.kind === "queue_understaffed" && b.kind === "queue_understaffed") {
    return a.queueId === b.queueId && a.online === b.online && a.minimum === b.minimum && a.since === b.since;
  }
  return false;
}

export function createAlertBook() {
  let policy: Policy = { pauseLimitSeconds: {}, queueMinimumOnline: {} };
  const agents = new Map<string, AgentFacts>();
  const members = new Map<string, Set<string>>();
  /** Each queue's members that are online, kept change by change (a recount would cost a queue's size). */
  const online = new Map<string, number>();
  /** What the book holds in force, by key. */
  const active = new Map<string, Alert>();

  function factsOf(agent: Agent): AgentFacts {
    return {
      status: agent.status,
      sinceMs: Date.parse(agent.statusSince),
      reason: agent.pauseReason,
      queueIds: new Set(agent.queueIds),
    };
  }

  /** The limit of a pause with this reason (null: without one), if the policy sets one. */
  function limitOf(reason: string | null): number | undefined {
    return reason === null ? policy.noReasonLimitSeconds : policy.pauseLimitSeconds[reason];
  }

  /** When the agent's pause passes its limit, or null when it has no limit (not paused, no rule). */
  function overdueAt(facts: AgentFacts | undefined): number | null {
    if (facts?.status !== "paused") return null;
    const limit = limitOf(facts.reason);
    return limit === undefined ? null : facts.sinceMs + limit * 1000;
  }

  function wantedPause(agentId: string, now: number): Alert | null {
    const facts = agents.get(agentId);
    const at = overdueAt(facts);
    if (at === null || now < at || !facts) return null;
    const limitSeconds = limitOf(facts.reason) ?? 0;
    return { kind: "pause_overdue", agentId, reason: facts.reason, since: iso(at), limitSeconds };
  }

  function wantedQueue(queueId: string, now: number): Alert | null {
    const minimum = policy.queueMinimumOnline[queueId];
    const count = online.get(queueId);
    if (minimum === undefined || count === undefined || count >= minimum) return null;
    const held = active.get(queueKey(queueId));
    return { kind: "queue_understaffed", queueId, online: count, minimum, since: held?.since ?? iso(now) };
  }

  /** Compares what should be in force under `key` with what is, and returns the change, if any. */
  function settle(key: string, wanted: Alert | null, changes: AlertChange[]): void {
    const held = active.get(key);
    if (wanted === null) {
      if (held === undefined) return;
      active.delete(key);
      changes.push({ state: "ended", alert: held });
      return;
    }
    if (held !== undefined && sameAlert(held, wanted)) return;
    active.set(key, wanted);
    changes.push({ state: held === undefined ? "started" : "updated", alert: wanted });
  }

  function recount(queueId: string): void {
    const queue = members.get(queueId);
    if (!queue) return;
    let count = 0;
    for (const agentId of queue) if (agents.get(agentId)?.status === "online") count += 1;
    online.set(queueId, count);
  }

  /** Adds `delta` to the online count of each queue listed (those the book knows). */
  function countOnline(queueIds: Iterable<string>, delta: number): void {
    for (const queueId of queueIds) {
      const count = online.get(queueId);
      if (count !== undefined) online.set(queueId, count + delta);
    }
  }

  function setMembership(agentId: string, queueId: string, member: boolean): void {
    const queue = members.get(queueId);
    if (member) queue?.add(agentId);
    else queue?.delete(agentId);
    const facts = agents.get(agentId);
    if (member) facts?.queueIds.add(queueId);
    else facts?.queueIds.delete(queueId);
  }

  function applyAgent(agent: Agent, now: number, changes: AlertChange[]): void {
    const before = agents.get(agent.id);
    const after = factsOf(agent);
    const touched = new Set<string>();
    const wasOnline = before?.status === "online";
    const isOnline = after.status === "online";
    for (const queueId of before?.queueIds ?? []) {
      if (!after.queueIds.has(queueId) || wasOnline !== isOnline) touched.add(queueId);
    }
    for (const queueId of after.queueIds) {
      if (!before?.queueIds.has(queueId) || wasOnline !== isOnline) touched.add(queueId);
    }
    agents.set(agent.id, after);
    for (const queueId of touched) {
      const queue = members.get(queueId);
      if (after.queueIds.has(queueId)) queue?.add(agent.id);
      else queue?.delete(agent.id);
    }
    if (wasOnline) countOnline(before?.queueIds ?? [], -1);
    if (isOnline) countOnline(after.queueIds, +1);
    settle(pauseKey(agent.id), wantedPause(agent.id, now), changes);
    for (const queueId of touched) settle(queueKey(queueId), wantedQueue(queueId, now), changes);
  }

  function applyQueue(queue: Queue, now: number, changes: AlertChange[]): void {
    const before = members.get(queue.id) ?? new Set<string>();
    if (!members.has(queue.id)) members.set(queue.id, new Set());
    const after = new Set(queue.agentIds);
    for (const agentId of before) if (!after.has(agentId)) setMembership(agentId, queue.id, false);
    for (const agentId of after) setMembership(agentId, queue.id, true);
    recount(queue.id);
    settle(queueKey(queue.id), wantedQueue(queue.id, now), changes);
  }

  return {
    /** Starts from the registry: agents, queues, the policy and the alerts recorded as in force. */
    load(list: { agents: Agent[]; queues: Queue[]; policy: Policy; inForce: Alert[] }): void {
      policy = list.policy;
      for (const queue of list.queues) members.set(queue.id, new Set(queue.agentIds));
      for (const agent of list.agents) agents.set(agent.id, factsOf(agent));
      for (const alert of list.inForce) active.set(alertKey(alert), alert);
      for (const queueId of members.keys()) recount(queueId);
    },

    /** What one committed event changes. */
    apply(event: ConsoleEvent, now: number): AlertChange[] {
      const changes: AlertChange[] = [];
      switch (event.type) {
        case "agent":
          applyAgent(event.agent, now, changes);
          break;
        case "agentDeleted": {
          const queueIds = [...(agents.get(event.agentId)?.queueIds ?? [])];
          if (agents.get(event.agentId)?.status === "online") countOnline(queueIds, -1);
          for (const queueId of queueIds) setMembership(event.agentId, queueId, false);
          agents.delete(event.agentId);
          settle(pauseKey(event.agentId), null, changes);
          for (const queueId of queueIds) settle(queueKey(queueId), wantedQueue(queueId, now), changes);
          break;
        }
        case "queue":
          applyQueue(event.queue, now, changes);
          break;
        case "queueDeleted":
          for (const agentId of members.get(event.queueId) ?? [])
            agents.get(agentId)?.queueIds.delete(event.queueId);
          members.delete(event.queueId);
          online.delete(event.queueId);
          settle(queueKey(event.queueId), null, changes);
          break;
        default:
          break;
      }
      return changes;
    },

    /** A new policy: every rule is looked at again. */
    setPolicy(next: Policy, now: number): AlertChange[] {
      policy = next;
      return this.reviewAll(now);
    },

    /** Every agent and queue looked at again (the timer: pauses pass their limits as time goes by). */
    reviewAll(now: number): AlertChange[] {
      const changes: AlertChange[] = [];
      for (const agentId of agents.keys()) settle(pauseKey(agentId), wantedPause(agentId, now), changes);
      for (const queueId of members.keys()) settle(queueKey(queueId), wantedQueue(queueId, now), changes);
      // Alerts held for agents or queues that are gone.
      for (const [key, alert] of active) {
        const gone =
          alert.kind === "pause_overdue" ? !agents.has(alert.agentId) : !members.has(alert.queueId);
        if (gone) settle(key, null, changes);
      }
      return changes;
    },

    /** The alert the book holds in force under `key`, if any. */
    held(key: string): Alert | undefined {
      return active.get(key);
    },

    /** When the agent's pause passes its limit, if it has not yet (the monitor's timer aims at it). */
    dueAt(agentId: string, now: number): number | null {
      const at = overdueAt(agents.get(agentId));
      return at !== null && at > now ? at : null;
    },

    /** The earliest moment a pause not yet overdue passes its limit. */
    nextDueAt(now: number): number | null {
      let next: number | null = null;
      for (const facts of agents.values()) {
        const at = overdueAt(facts);
        if (at !== null && at > now && (next === null || at < next)) next = at;
      }
      return next;
    },
  };
}
