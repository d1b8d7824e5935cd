import type { PbxAction, PbxFailureKind } from "./types.ts";

/** The client-side name of a refused value. `fields`: an edit that changes nothing. */
export type PbxInputField =
  "agentId" | "queueId" | "outQueueId" | "name" | "password" | "extension" | "fields";

/** A value the PBX would call malformed. Thrown before anything is sent. */
export class PbxInputError extends Error {
  override readonly name = "PbxInputError";
  readonly field: PbxInputField;
  /** A sentence for a person; never contains the value (it may be a password). */
  readonly reason: string;

  constructor(field: PbxInputField, reason: string) {
    super(`Invalid ${field}: ${reason}`);
    this.field = field;
    this.reason = reason;
  }
}

export type PbxTransportErrorDetails = {
  kind: PbxFailureKind;
  action: PbxAction;
  outcomeUnknown: boolean;
  /** The HTTP status, for `httpStatus`. */
  status?: number;
  /** For `protocol`: the body, redacted and cut to 500 characters. */
  raw?: string;
  cause?: unknown;
};

/**
 * A call that produced no parsed answer. When `outcomeUnknown` is true the PBX may have applied the
 * change: settle it with a follow-up that reads an "already" answer, never by resending blindly.
 * The message is a sentence for a person and never contains the secure code.
 */
export class PbxTransportError extends Error {
  override readonly name = "PbxTransportError";
  readonly kind: PbxFailureKind;
  readonly action: PbxAction;
  readonly outcomeUnknown: boolean;
  readonly status?: number;
  readonly raw?: string;

  constructor(message: string, details: PbxTransportErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = details.kind;
    this.action = details.action;
    this.outcomeUnknown = details.outcomeUnknown;
    if (details.status !== undefined) this.status = details.status;
    if (details.raw !== undefined) this.raw = details.raw;
  }
}
