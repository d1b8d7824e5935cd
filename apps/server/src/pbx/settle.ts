// Settling unknown outcomes (design.md rule 3, decision 002): every instance looks for due pending settles
// (at once when it recorded one itself, else every second), claims each with a conditional update, so that
// exactly one instance sends it, and sends the one follow-up: the same "ensure" once more, through the same
// write path, as `system:settle`. Its answer settles the fact; a follow-up whose own outcome is unknown leaves
// the fact unsettled and is never followed up again.
//
// A follow-up that needs an agent password can be sent only by the instance that made the attempt: the
// password is never stored. If that instance is gone, the fact is left unsettled for a person to set again.
import type { AgentStateRequest, CreateAgentRequest, UpdateAgentRequest } from "@crystal-console/api";
import type { Logger } from "pino";
import { auditRow } from "../audit/audit.ts";
import { changeAgentState, createAgent, deleteAgent, updateAgent } from "../agents/service.ts";
import type { ConsoleDeps } from "../deps.ts";
import { HttpError } from "../http/errors.ts";
import { createQueue, deleteQueue, ensureMembership, updateQueue } from "../queues/service.ts";
import { refreshConfirmed } from "../registry/agents.ts";
import { commit } from "../registry/commit.ts";
import { isAlive } from "../registry/instances.ts";
import { type SettleRow, claimSettle, dueSettles, giveUpSettle, reopenSettle } from "../registry/settles.ts";
import { SETTLE_ACTOR, type StoredAttempt, SupersededError } from "./writes.ts";

/** How long a follow-up may take before another instance may take its claim for dead. */
const POLL_MS = 1000;

type Secret = { password?: string } | undefined;

/** The follow-up of each operation: the same service, once more, as system:settle. */
const FOLLOW_UPS: Record<string, (deps: ConsoleDeps, input: never, secret: Secret) => Promise<unknown>> = {
  createAgent: (deps, input: Omit<CreateAgentRequest, "password">, secret) =>
    createAgent(deps, SETTLE_ACTOR, { ...input, password: secret?.password ?? "" }),
  updateAgent: (deps, input: { id: string; edit: UpdateAgentRequest }, secret) =>
    updateAgent(deps, SETTLE_ACTOR, input.id, {
      ...input.edit,
      ...(secret?.password ? { password: secret.password } : {}),
    }),
  deleteAgent: (deps, input: { id: string }) => deleteAgent(deps, SETTLE_ACTOR, input.id),
  changeAgentState: (deps, input: { id: string; request: AgentStateRequest }) =>
    changeAgentState(deps, SETTLE_ACTOR, input.id, input.request),
  createQueue: (deps, input: { id: string; name: string }) => createQueue(deps, SETTLE_ACTOR, input),
  updateQueue: (deps, input: { id: string; edit: { name: string } }) =>
    updateQueue(deps, SETTLE_ACTOR, input.id, input.edit),
  deleteQueue: (deps, input: { id: string }) => deleteQueue(deps, SETTLE_ACTOR, input.id),
  ensureMembership: (deps, input: { queueId: string; agentId: string; member: boolean }) =>
    ensureMembership(deps, SETTLE_ACTOR, input.queueId, input.agentId, input.member),
};

export type Settler = ReturnType<typeof createSettler>;

export function createSettler(options: {
  delayMs: number;
  instanceId: string;
  log: Logger;
  closing: AbortSignal;
}) {
  const secrets = new Map<string, Secret>();
  let deps: ConsoleDeps | null = null;
  let timer: NodeJS.Timeout | null = null;
  let poller: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  const inFlight = new Set<Promise<void>>();

  function schedule(at: number) {
    if (options.closing.aborted) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void runDue(), Math.max(0, at - Date.now()));
    timer.unref();
  }

  async function runDue(): Promise<void> {
    if (!deps || options.closing.aborted) return;
    if (running) return running;
    running = (async () => {
      const d = deps;
      const now = Date.now();
      for (const row of await dueSettles(d.db, now)) {
        if (options.closing.aborted) return;
        const attempt = JSON.parse(row.attempt ?? "null") as StoredAttempt | null;
        if (!attempt) continue;
        if (attempt.secret && (attempt.origin !== options.instanceId || !secrets.has(row.fact))) {
          // Only its origin holds the password; a living origin sends it itself.
          if (attempt.origin !== options.instanceId && (await isAlive(d.db, attempt.origin, now))) continue;
          await giveUp(
            d,
            row,
            "its agent password was held only by a console instance that has stopped; set it again",
          );
          continue;
        }
        if (!(await claimSettle(d.db, row.fact, options.instanceId, now, now + 60_000))) continue;
        const task = followUp(d, row, attempt).finally(() => inFlight.delete(task));
        inFlight.add(task);
      }
    })()
      .catch((error: unknown) =>
        options.log.warn({ err: String(error) }, "could not look for unknown outcomes to settle"),
      )
      .finally(() => {
        running = null;
      });
    return running;
  }

  async function followUp(d: ConsoleDeps, row: SettleRow, attempt: StoredAttempt): Promise<void> {
    const secret = secrets.get(row.fact);
    secrets.delete(row.fact);
    const send = FOLLOW_UPS[attempt.redo.op];
    try {
      if (!send) throw new Error(`no follow-up for ${attempt.redo.op}`);
      await send(d, attempt.redo.input as never, secret);
    } catch (error) {
      if (error instanceof SupersededError) return;
      if (error instanceof HttpError && error.code === "BUSY") {
        await reopenSettle(d.db, row.fact, Date.now() + options.delayMs);
        schedule(Date.now() + options.delayMs);
        return;
      }
      // Refused before anything was sent (the agent or queue is gone, or exists already): nothing is left
      // to settle. Anything else is a fault: the fact stays unconfirmed.
      if (error instanceof HttpError) await settleWithoutSending(d, row, attempt, error.message);
      else {
        options.log.warn(
          { action: attempt.action, err: String(error) },
          "could not settle an unknown outcome",
        );
        await giveUp(d, row, `the follow-up failed: ${String(error)}`);
      }
    }
  }

  async function settleWithoutSending(d: ConsoleDeps, row: SettleRow, attempt: StoredAttempt, why: string) {
    await d.bus.broadcast(
      await commit(d.db, {
        lease: null,
        settle: { fact: row.fact, agentId: row.agent_id, change: { kind: "resolve" } },
        cause: "settle",
        facts: async (tx) => {
          const agent = row.agent_id ? await refreshConfirmed(tx, row.agent_id) : null;
          return agent ? [{ type: "agent", agent }] : [];
        },
        audit: auditRow({
          actor: SETTLE_ACTOR,
          action: attempt.action,
          agentId: attempt.agentId,
          queueId: attempt.queueId,
          params: attempt.params,
          outcome: "converged",
          detail: `not sent again: ${why}`,
        }),
      }),
    );
  }

  async function giveUp(d: ConsoleDeps, row: SettleRow, reason: string) {
    await giveUpSettle(d.db, row.fact, reason);
  }

  return {
    delayMs: options.delayMs,
    /** The write path committed a pending settle due at `dueAt`; `secret` stays in this process only. */
    pending(fact: string, dueAt: number, secret: unknown) {
      if (secret !== undefined) secrets.set(fact, secret as Secret);
      schedule(dueAt);
    },
    /** Starts looking for due settles of every instance. */
    start(withDeps: ConsoleDeps) {
      deps = withDeps;
      poller = setInterval(() => void runDue(), Math.min(POLL_MS, options.delayMs));
      poller.unref();
      void runDue();
    },
    async stop() {
      if (timer) clearTimeout(timer);
      if (poller) clearInterval(poller);
      await running;
      await Promise.all(inFlight);
    },
  };
}
