// The write path every PBX-backed change follows (design.md rules 2 and 3): send one command, read the
// typed outcome, commit the registry and its events only after the PBX confirmed, audit every attempt.
import type { ConsoleEvent } from "@crystal-console/api";
import { PbxInputError, PbxTransportError, type PbxAnswer } from "@crystal-console/crystal";
import type { Transaction } from "kysely";
import { type AuditRecord, recordAudit, recordAuditIn } from "../audit/audit.ts";
import type { EventBus } from "../events/bus.ts";
import { HttpError, validationError } from "../http/errors.ts";
import { type Registry, type Statements, statementsIn, transactNow } from "../registry/open.ts";
import type { Database } from "../registry/schema.ts";

export type PbxAttempt = {
  actor: string;
  action: string;
  agentId?: string;
  queueId?: string;
  params: Record<string, string>;
};

export type WriteDeps = {
  db: Registry;
  bus: EventBus;
  /** Called after an unknown outcome: marks what it touched unconfirmed and schedules one settling follow-up. */
  onUnknownOutcome: (attempt: PbxAttempt, settle: () => Promise<unknown>) => Promise<void>;
};

/** Sends one PBX command. A transport failure is audited, and an unknown outcome is handed to `settle`. */
export async function sendToPbx<T>(
  deps: WriteDeps,
  attempt: PbxAttempt,
  send: () => Promise<T>,
  settle: () => Promise<unknown>,
): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (error instanceof PbxInputError) throw validationError({ [error.field]: error.reason });
    if (!(error instanceof PbxTransportError)) throw error;
    await recordAudit(deps.db, {
      ...attempt,
      outcome: error.outcomeUnknown ? "unknown" : "failed",
      detail: error.message,
    });
    if (error.outcomeUnknown) await deps.onUnknownOutcome(attempt, settle);
    throw transportError(error);
  }
}

function transportError(error: PbxTransportError): HttpError {
  const unknown = error.outcomeUnknown
    ? " The PBX may have applied it: the console will check and shows it as unconfirmed until then."
    : "";
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

/**
 * Commits registry changes, their audit entry and their events in one transaction, then broadcasts.
 * Returns the committed events, which carry the changed rows as committed (callers answer from them).
 */
export async function commit(
  deps: WriteDeps,
  audit: AuditRecord,
  work: (trx: Transaction<Database>) => ConsoleEvent[] | Promise<ConsoleEvent[]>,
): Promise<ConsoleEvent[]> {
  let events: ConsoleEvent[] = [];
  const stored = await deps.db.transaction().execute(async (trx) => {
    events = await work(trx);
    const statements = statementsIn(deps.db, trx);
    recordAuditIn(statements, audit);
    return deps.bus.recordIn(statements, events);
  });
  deps.bus.broadcast(stored);
  return events;
}

/**
 * commit() for a change made of plain statements (a state change): registry, audit row and event rows in
 * one transaction that runs at once, without Kysely, when the connection is free (see transactNow).
 */
export async function commitNow(
  deps: WriteDeps,
  audit: AuditRecord,
  work: (statements: Statements) => ConsoleEvent[],
): Promise<ConsoleEvent[]> {
  const { events, stored } = await transactNow(deps.db, (statements) => {
    const events = work(statements);
    recordAuditIn(statements, audit);
    return { events, stored: deps.bus.recordIn(statements, events) };
  });
  deps.bus.broadcast(stored);
  return events;
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

/** Audits a refusal (optionally with registry corrections the answer revealed) and returns the error to throw. */
export async function refuse(
  deps: WriteDeps,
  attempt: PbxAttempt,
  outcome: { kind: string; pbx: PbxAnswer },
  options: {
    conflict?: string;
    fields?: Record<string, string>;
    correct?: (trx: Transaction<Database>) => ConsoleEvent[] | Promise<ConsoleEvent[]>;
  } = {},
): Promise<HttpError> {
  const error = refusalError(outcome, options.conflict, options.fields);
  const audit: AuditRecord = { ...attempt, pbx: outcome.pbx, outcome: "refused", detail: error.message };
  if (options.correct) await commit(deps, audit, options.correct);
  else await recordAudit(deps.db, audit);
  return error;
}
