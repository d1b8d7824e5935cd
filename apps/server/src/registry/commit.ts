// The one commit of the write path (pbx/writes.ts): after the PBX answered (or did not), one transaction
// records, in this order (after locking the agent's row, on PostgreSQL, when the change is about an agent):
//   1. the release of the fact's lease (the next writer on the fact may call the PBX once this commits);
//   2. the fact's settle row: deleted when the answer settled it, `pending` or `unsettled` when it did not;
//   3. the registry facts (agents, queues, memberships), which return the events that report them;
//   4. the state-history intervals the agent events of step 3 start and end (history.ts; the locked agent's
//      open interval as its write in step 3 read it, in the same statement);
//   5. the audit row;
//   6. the event rows.
// A further fact of every change is one more step here, in the same transaction. The caller broadcasts the
// returned events after the commit.
import type { ConsoleEvent } from "@crystal-console/api";
import type { Kysely } from "kysely";
import { lockAgentRow } from "./agents.ts";
import type { AuditRow } from "./audit.ts";
import { type StoredEvent, insertEvents } from "./events.ts";
import { recordHistory } from "./history.ts";
import { type Lease, releaseLease, releaseLeaseAndSettle } from "./locks.ts";
import type { Database, HistoryCause } from "./schema.ts";
import { deleteSettle, findSettle, upsertSettle } from "./settles.ts";

export type Tx = Kysely<Database>;

export type SettleChange =
  /** The PBX answered: the fact is known now. `covers` decides whether a waiting row is settled by it. */
  | { kind: "resolve"; covers?: (waitingAttempt: string | null) => boolean }
  /** Unknown outcome: one follow-up `attempt` is due at `dueAt`. */
  | { kind: "pending"; attempt: string; reason: string; dueAt: number }
  /** Unknown, and no follow-up will be sent: unconfirmed until a person's next change. */
  | { kind: "unsettled"; attempt: string | null; reason: string };

export type Change = {
  lease: Lease | null;
  settle: { fact: string; agentId: string | null; change: SettleChange } | null;
  /** Writes the registry facts and returns the events that report them. Runs after the settle row is written. */
  facts?: (tx: Tx) => Promise<ConsoleEvent[]>;
  audit: AuditRow | null;
  /** What caused the state changes of `facts`, for their history intervals (default: a person). */
  cause?: HistoryCause;
  /** Events that are not about a registry row (e.g. import progress). */
  events?: ConsoleEvent[];
};

/** Thrown (and the transaction rolled back) when the lease expired and was taken over before this commit. */
export class LeaseLostError extends Error {
  constructor(readonly fact: string) {
    super(`the lease on ${fact} expired before its outcome was committed`);
  }
}

export async function commit(db: Kysely<Database>, change: Change): Promise<StoredEvent[]> {
  return db.transaction().execute(async (tx) => {
    const { lease, settle } = change;
    const agentId = settle?.agentId ?? null;
    if (lease && settle?.change.kind === "resolve" && !settle.change.covers) {
      // The common case: the agent's row lock and steps 1 and 2 together (one statement on PostgreSQL).
      if (!(await releaseLeaseAndSettle(tx, lease, settle.fact, agentId)))
        throw new LeaseLostError(lease.fact);
    } else {
      if (agentId) await lockAgentRow(tx, agentId);
      if (lease && !(await releaseLease(tx, lease))) throw new LeaseLostError(lease.fact);
      if (settle) await writeSettle(tx, settle);
    }
    const events = change.facts ? await change.facts(tx) : [];
    const context = {
      cause: change.cause ?? "person",
      actor: change.audit?.actor ?? null,
      lockedAgent: agentId,
    };
    await recordHistory(tx, events, context, Date.now());
    if (change.events) events.push(...change.events);
    return insertEvents(tx, events, change.audit);
  });
}

async function writeSettle(tx: Tx, settle: NonNullable<Change["settle"]>): Promise<void> {
  const { fact, agentId, change } = settle;
  switch (change.kind) {
    case "resolve": {
      if (change.covers) {
        const waiting = await findSettle(tx, fact);
        if (waiting && !change.covers(waiting.attempt)) return;
      }
      await deleteSettle(tx, fact);
      return;
    }
    case "pending":
      await upsertSettle(tx, {
        fact,
        agent_id: agentId,
        state: "pending",
        attempt: change.attempt,
        reason: change.reason,
        due_at: change.dueAt,
        claimed_by: null,
        claim_expires_at: null,
      });
      return;
    case "unsettled":
      await upsertSettle(tx, {
        fact,
        agent_id: agentId,
        state: "unsettled",
        attempt: change.attempt,
        reason: change.reason,
        due_at: 0,
        claimed_by: null,
        claim_expires_at: null,
      });
      return;
  }
}
