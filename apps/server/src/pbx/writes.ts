// The write path every PBX-backed change follows (design.md rules 2, 3 and 8; docs/decisions/014-registry-write-path.md):
//
//   validate (the service, before calling write)
//   -> take the fact's turn (registry/order.ts)
//   -> the PBX call(s) (`run`, which reads the answers and returns a Verdict)
//   -> ONE commit (registry/commit.ts): lease released, settle row, registry facts, audit row, event rows
//   -> broadcast the events
//
// and returns what happened as a WriteOutcome. An unknown outcome (timeout, reset) is committed as a pending
// settle: one follow-up, sent later by whichever instance claims it (pbx/settle.ts), reads the answer.
import type { ConsoleEvent } from "@crystal-console/api";
import { PbxInputError, PbxTransportError, type PbxAnswer } from "@crystal-console/crystal";
import { auditRow } from "../audit/audit.ts";
import type { EventBus } from "../events/bus.ts";
import { HttpError, validationError } from "../http/errors.ts";
import { refreshConfirmed } from "../registry/agents.ts";
import { type Change, LeaseLostError, type Tx, commit } from "../registry/commit.ts";
import type { Registry } from "../registry/open.ts";
import type { FactOrder } from "../registry/order.ts";
import type { HistoryCause } from "../registry/schema.ts";
import { findSettle } from "../registry/settles.ts";

/** What one PBX call is, for the audit log: who, which action, on whom, with which (secret-free) parameters. */
export type PbxAttempt = {
  actor: string;
  action: string;
  agentId?: string;
  queueId?: string;
  params: Record<string, string>;
  detail?: string;
};

/** The actor of a follow-up that settles an unknown outcome. */
export const SETTLE_ACTOR = "system:settle";

/** A follow-up's operation and input (see settle.ts's FOLLOW_UPS), as stored with the fact: never a secret. */
export type Redo = { op: string; input: unknown };

export type Intent = {
  attempt: PbxAttempt;
  /** The order key: `agent:<id>`, `membership:<agentId>:<queueId>` or `queue:<id>`. */
  lock: string;
  /** The settle key: the lock and the part of it this write changes (`agent:<id>:state`, ...). */
  fact: string;
  /** For a person: what the write is about ("agent 1001"). */
  label: string;
  /** What a follow-up sends once more. */
  redo: Redo;
  /** The part of `redo` kept only in this process's memory (an agent password), if any. */
  secret?: unknown;
  /** Set by an import: the history says an import, not a person, caused the agent's first interval. */
  imported?: boolean;
};

type Written = "created" | "adopted" | "changed" | "converged";

/** What the PBX's answers mean for the registry, decided by the service's `run`. */
export type Verdict<T> =
  | {
      kind: Written;
      pbx: PbxAnswer;
      facts: (tx: Tx) => Promise<ConsoleEvent[]>;
      value: (events: readonly ConsoleEvent[]) => T;
      /** Whether this write settles an unknown outcome waiting on the same fact (default: it does). */
      covers?: (waitingAttempt: string | null) => boolean;
    }
  | {
      kind: "refused";
      pbx: PbxAnswer;
      error: HttpError;
      /** Corrections the answer revealed (e.g. "not logged off"). */
      facts?: (tx: Tx) => Promise<ConsoleEvent[]>;
      /** Set when the answer leaves the fact unknown (logged in, at an extension the PBX did not name). */
      unsettled?: string;
      /** The call that was refused, when it was not the first (e.g. the edit of an adoption). */
      step?: Partial<PbxAttempt>;
    };

/** What a write did, and how many PBX calls it made. */
export type WriteOutcome<T> = { calls: number } & (
  | { kind: Written; value: T }
  /** The PBX answered no; its answer is in the error. */
  | { kind: "refused"; error: HttpError }
  /** The PBX could not be reached: nothing was applied. */
  | { kind: "failed"; error: HttpError }
  /** No answer: it may have been applied. A follow-up settles it; the fact shows unconfirmed until then. */
  | { kind: "unknown"; error: HttpError }
);

export type WriteDeps = {
  db: Registry;
  bus: EventBus;
  order: FactOrder;
  instanceId: string;
  settler: {
    /** A pending settle was committed, due at `dueAt`; `secret` is what only this process may send. */
    pending(fact: string, dueAt: number, secret: unknown): void;
    readonly delayMs: number;
  };
};

/** A PBX call inside `run`: transport failures end the write as failed or unknown. */
export type PbxCall = <R>(send: () => Promise<R>, step?: Partial<PbxAttempt>) => Promise<R>;

/** A follow-up found its fact settled by someone else's change while it waited for its turn: not sent. */
export class SupersededError extends Error {}

class Unanswered extends Error {
  constructor(
    override readonly cause: PbxTransportError,
    readonly step: PbxAttempt,
  ) {
    super(cause.message);
  }
}

/** The attempt as a lease and a settle row keep it: enough for any instance to send the follow-up. */
export type StoredAttempt = PbxAttempt & {
  fact: string;
  lock: string;
  label: string;
  redo: Redo;
  origin: string;
  /** Part of the follow-up lives only in the memory of `origin`. */
  secret: boolean;
};

export async function write<T>(
  deps: WriteDeps,
  intent: Intent,
  run: (call: PbxCall) => Promise<Verdict<T>>,
): Promise<WriteOutcome<T>> {
  const stored: StoredAttempt = {
    ...intent.attempt,
    fact: intent.fact,
    lock: intent.lock,
    label: intent.label,
    redo: intent.redo,
    origin: deps.instanceId,
    secret: intent.secret !== undefined,
  };
  const storedJson = JSON.stringify(stored);
  const turn = await deps.order.take(intent.lock, storedJson, intent.label);
  let released = false;
  let calls = 0;
  const cause = causeOf(intent);
  const commitAndPublish = async (change: Omit<Change, "lease">) => {
    const events = await commit(deps.db, { cause, ...change, lease: turn });
    released = true;
    await deps.bus.broadcast(events);
    return events;
  };
  try {
    if (intent.attempt.actor === SETTLE_ACTOR) {
      // Under the fact's turn: a person's change that committed while this follow-up waited settled it.
      const waiting = await findSettle(deps.db, intent.fact);
      if (waiting?.state !== "claimed" || waiting.claimed_by !== deps.instanceId) throw new SupersededError();
    }
    let verdict: Verdict<T>;
    try {
      verdict = await run(async (send, step) => {
        calls += 1;
        try {
          return await send();
        } catch (error) {
          if (error instanceof PbxInputError) throw validationError({ [error.field]: error.reason });
          if (error instanceof PbxTransportError) throw new Unanswered(error, { ...intent.attempt, ...step });
          throw error;
        }
      });
    } catch (error) {
      if (!(error instanceof Unanswered)) throw error;
      return { calls, ...(await unanswered(deps, intent, storedJson, error, commitAndPublish)) };
    }
    const settle = { fact: intent.fact, agentId: intent.attempt.agentId ?? null };
    if (verdict.kind === "refused") {
      await commitAndPublish({
        settle: {
          ...settle,
          change: verdict.unsettled
            ? { kind: "unsettled", attempt: null, reason: verdict.unsettled }
            : { kind: "resolve" },
        },
        // What a refusal writes is what its answer revealed about the PBX's real state.
        ...(verdict.facts ? { facts: verdict.facts, cause: "correction" } : {}),
        audit: auditRow({
          ...intent.attempt,
          ...verdict.step,
          pbx: verdict.pbx,
          outcome: "refused",
          detail: verdict.error.message,
        }),
      });
      return { calls, kind: "refused", error: verdict.error };
    }
    const events = await commitAndPublish({
      settle: {
        ...settle,
        change: { kind: "resolve", ...(verdict.covers ? { covers: verdict.covers } : {}) },
      },
      facts: verdict.facts,
      audit: auditRow({
        ...intent.attempt,
        pbx: verdict.pbx,
        outcome: verdict.kind === "created" || verdict.kind === "changed" ? "ok" : "converged",
      }),
    });
    return { calls, kind: verdict.kind, value: verdict.value(events.map((stored) => stored.event)) };
  } catch (error) {
    if (!(error instanceof LeaseLostError)) throw error;
    // The answer came after the lease expired and recovery took the fact over as an unknown outcome: it
    // is settled by that follow-up, not by this late answer.
    await commit(deps.db, {
      lease: null,
      settle: null,
      audit: auditRow({ ...intent.attempt, outcome: "unknown", detail: error.message }),
    });
    return { calls, kind: "unknown", error: unknownError("The PBX answered too late to be recorded") };
  } finally {
    if (released) turn.done();
    else await turn.abandon();
  }
}

/** Who or what caused the state changes this write commits (for their history intervals). */
function causeOf(intent: Intent): HistoryCause {
  if (intent.attempt.actor === SETTLE_ACTOR) return "settle";
  if (intent.imported) return "import";
  return intent.attempt.actor === intent.attempt.agentId ? "agent" : "person";
}

/** A call that got no answer: failed (nothing sent or applied) or unknown (settled by a follow-up). */
async function unanswered(
  deps: WriteDeps,
  intent: Intent,
  storedJson: string,
  { cause, step }: Unanswered,
  commitAndPublish: (change: Omit<Change, "lease">) => Promise<unknown>,
): Promise<{ kind: "failed" | "unknown"; error: HttpError }> {
  const error = transportError(cause);
  const agentId = intent.attempt.agentId ?? null;
  const audit = auditRow({
    ...step,
    outcome: cause.outcomeUnknown ? "unknown" : "failed",
    detail: cause.message,
  });
  if (!cause.outcomeUnknown) {
    await commitAndPublish({ settle: null, audit });
    return { kind: "failed", error };
  }
  // A follow-up whose own outcome is unknown is not followed up again: the fact stays unconfirmed.
  const followUp = intent.attempt.actor === SETTLE_ACTOR;
  const dueAt = Date.now() + deps.settler.delayMs;
  await commitAndPublish({
    settle: {
      fact: intent.fact,
      agentId,
      change: followUp
        ? { kind: "unsettled", attempt: storedJson, reason: `the follow-up got no answer: ${cause.message}` }
        : { kind: "pending", attempt: storedJson, reason: cause.message, dueAt },
    },
    facts: async (tx) => {
      const agent = agentId === null ? null : await refreshConfirmed(tx, agentId);
      return agent ? [{ type: "agent", agent }] : [];
    },
    audit,
  });
  if (!followUp) deps.settler.pending(intent.fact, dueAt, intent.secret);
  return { kind: "unknown", error };
}

const UNCONFIRMED =
  " The PBX may have applied it: the console will check and shows it as unconfirmed until then.";

function unknownError(what: string): HttpError {
  return new HttpError(504, "PBX_TIMEOUT", `${what}.${UNCONFIRMED}`);
}

function transportError(error: PbxTransportError): HttpError {
  const unknown = error.outcomeUnknown ? UNCONFIRMED : "";
  switch (error.kind) {
    case "refused":
    case "connectTimeout":
      return new HttpError(503, "PBX_UNREACHABLE", `The PBX could not be reached.${unknown}`);
    case "headersTimeout":
    case "bodyTimeout":
      return new HttpError(504, "PBX_TIMEOUT", `The PBX did not answer in time.${unknown}`);
    case "httpStatus":
      return new HttpError(
        502,
        "PBX_BAD_ANSWER",
        `The PBX answered HTTP ${error.status ?? "error"}.${unknown}`,
      );
    case "reset":
    case "protocol":
      return new HttpError(502, "PBX_BAD_ANSWER", `The PBX's answer could not be understood.${unknown}`);
  }
}

/** The HTTP error for a PBX answer that is not the wanted state, carrying the PBX's own code and message. */
export function refusalError(
  outcome: { kind: string; pbx: PbxAnswer },
  conflict?: string,
  fields?: Record<string, string>,
): HttpError {
  if (conflict !== undefined) {
    return new HttpError(409, "CONFLICT", `${conflict} (PBX: ${outcome.pbx.message})`, {
      pbx: outcome.pbx,
      ...(fields ? { fields } : {}),
    });
  }
  if (outcome.kind === "invalidParams") {
    return new HttpError(
      502,
      "PBX_REFUSED",
      "The PBX refused the request as invalid. The input was checked, so check the PBX secure code in the console's configuration.",
      { pbx: outcome.pbx },
    );
  }
  if (outcome.kind === "unexpected") {
    return new HttpError(
      502,
      "PBX_BAD_ANSWER",
      `The PBX gave an answer the console does not know: ${outcome.pbx.message}`,
      {
        pbx: outcome.pbx,
      },
    );
  }
  return new HttpError(502, "PBX_REFUSED", `The PBX refused: ${outcome.pbx.message}`, { pbx: outcome.pbx });
}

/** A refusal verdict: the PBX's answer, the error it becomes, and any corrections it revealed. */
export function refused<T>(
  outcome: { kind: string; pbx: PbxAnswer },
  options: {
    conflict?: string;
    fields?: Record<string, string>;
    facts?: (tx: Tx) => Promise<ConsoleEvent[]>;
    unsettled?: string;
    step?: Partial<PbxAttempt>;
  } = {},
): Verdict<T> {
  return {
    kind: "refused",
    pbx: outcome.pbx,
    error: refusalError(outcome, options.conflict, options.fields),
    ...(options.facts ? { facts: options.facts } : {}),
    ...(options.unsettled ? { unsettled: options.unsettled } : {}),
    ...(options.step ? { step: options.step } : {}),
  };
}

/** The value of a written outcome, or the error of any other (routes and the demo use it). */
export function valueOf<T>(outcome: WriteOutcome<T>): T {
  if (outcome.kind === "refused" || outcome.kind === "failed" || outcome.kind === "unknown")
    throw outcome.error;
  return outcome.value;
}
