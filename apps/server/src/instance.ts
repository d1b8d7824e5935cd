// This console process as one instance among several on one registry (docs/decisions/019-registry-instances.md):
// its id, its heartbeat, and the recovery every instance runs every second for instances that died:
//   - a fact lease whose holder died (or that outlived its expiry) was a PBX write in flight: its outcome is
//     unknown, so it becomes a pending settle (or unsettled, for a follow-up or a write whose password only
//     the dead instance knew), audited, and the agent shown unconfirmed;
//   - settle claims of dead instances go back to pending;
//   - a running import of a dead instance is marked interrupted.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Logger } from "pino";
import { auditRow } from "./audit/audit.ts";
import type { EventBus } from "./events/bus.ts";
import { SETTLE_ACTOR, type StoredAttempt } from "./pbx/writes.ts";
import { refreshConfirmed } from "./registry/agents.ts";
import { LeaseLostError, commit } from "./registry/commit.ts";
import { interruptOrphanedJobs } from "./registry/imports.ts";
import {
  HEARTBEAT_MS,
  beat,
  forgetDeadInstances,
  registerInstance,
  removeInstance,
} from "./registry/instances.ts";
import { abandonedLeases } from "./registry/locks.ts";
import type { Registry } from "./registry/open.ts";
import { reopenDeadClaims } from "./registry/settles.ts";

/** Unique per process start: readable in logs (host and pid) and never reused (random suffix). */
export function newInstanceId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
}

export type Instance = { id: string; stop(): Promise<void> };

export async function startInstance(options: {
  id: string;
  db: Registry;
  bus: EventBus;
  log: Logger;
  settleDelayMs: number;
  onRecovered?: () => void;
}): Promise<Instance> {
  const { id, db, bus, log } = options;
  await registerInstance(db, id, Date.now());
  let round: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    round = round.then(tick, () => undefined);
  }, HEARTBEAT_MS);
  timer.unref();

  async function tick() {
    try {
      const now = Date.now();
      await beat(db, id, now);
      if (await recoverLeases(now)) options.onRecovered?.();
      await reopenDeadClaims(db, now);
      await interruptOrphanedJobs(db, now);
      await forgetDeadInstances(db, now);
    } catch (error) {
      log.warn({ err: String(error) }, "instance heartbeat or recovery failed");
    }
  }

  async function recoverLeases(now: number): Promise<boolean> {
    let recovered = false;
    for (const lease of await abandonedLeases(db, now)) {
      const attempt = JSON.parse(lease.attempt) as StoredAttempt;
      const reason = `console instance ${lease.holder} stopped while waiting for the PBX's answer`;
      // The follow-up of a follow-up is never sent; a password lived only in the dead instance's memory.
      const pending = attempt.actor !== SETTLE_ACTOR && !attempt.secret;
      try {
        await bus.broadcast(
          await commit(db, {
            lease: { fact: lease.fact, token: lease.token },
            settle: {
              fact: attempt.fact,
              agentId: attempt.agentId ?? null,
              change: pending
                ? { kind: "pending", attempt: lease.attempt, reason, dueAt: now + options.settleDelayMs }
                : { kind: "unsettled", attempt: lease.attempt, reason },
            },
            facts: async (tx) => {
              const agent = attempt.agentId ? await refreshConfirmed(tx, attempt.agentId) : null;
              return agent ? [{ type: "agent", agent }] : [];
            },
            audit: auditRow({ ...attempt, outcome: "unknown", detail: reason }),
          }),
        );
        recovered = true;
      } catch (error) {
        // Another instance recovered it first.
        if (!(error instanceof LeaseLostError)) throw error;
      }
    }
    return recovered;
  }

  return {
    id,
    async stop() {
      clearInterval(timer);
      await round;
      await removeInstance(db, id);
    },
  };
}
