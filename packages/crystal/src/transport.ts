// The HTTP layer: one undici Pool, explicit timeouts, no retries, the body read in full with a cap.
// Each call is one `dispatch` with its own handler (what undici's `request` is built on, without
// its response stream). undici never resends a request that was written: on a broken connection it
// fails the request in flight and re-dispatches only requests not yet written (with pipelining 1,
// none was). No RetryAgent or retry interceptor is used, and every request is marked non-idempotent.
import { Pool, type Dispatcher } from "undici";
import { PbxTransportError } from "./errors.ts";
import { rawForLog } from "./parse.ts";
import type { PbxBase } from "./request.ts";
import type { PbxAction, PbxFailureKind, PbxTimeouts } from "./types.ts";

export const DEFAULT_TIMEOUTS: PbxTimeouts = { connectMs: 3000, headersMs: 5000, bodyMs: 5000 };
export const DEFAULT_CONNECTIONS = 4;
/** A PBX answer is one short line; anything bigger is not an answer. */
export const BODY_MAX_BYTES = 64 * 1024;

export type Transport = {
  /** GETs `path` and returns the body of a 200 as text; anything else throws PbxTransportError. */
  get(path: string, action: PbxAction): Promise<string>;
  close(): Promise<void>;
};

export type TransportOptions = {
  timeouts: PbxTimeouts;
  connections: number;
  dispatcher?: Dispatcher;
  /** Removed from every raw body kept on an error, in case the PBX echoes it. */
  secure: string;
};

/** Failures that happen before a request is written: the PBX cannot have acted. */
const NOT_SENT_CODES: Record<string, PbxFailureKind> = {
  UND_ERR_CONNECT_TIMEOUT: "connectTimeout",
  ECONNREFUSED: "refused",
  ENOTFOUND: "refused",
  EAI_AGAIN: "refused",
};

/** TLS handshake failures (before the request is written), reported as `refused`. */
const TLS_CODES = new Set([
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** Failures after the request may have been written: the PBX may have acted. */
const MAYBE_SENT_CODES: Record<string, PbxFailureKind> = {
  UND_ERR_HEADERS_TIMEOUT: "headersTimeout",
  UND_ERR_BODY_TIMEOUT: "bodyTimeout",
  ECONNRESET: "reset",
  EPIPE: "reset",
  UND_ERR_SOCKET: "reset",
  UND_ERR_HEADERS_OVERFLOW: "protocol",
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: "protocol",
};

function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") return code;
  // Happy-eyeballs connects fail with an AggregateError of one error per address.
  if (error instanceof AggregateError) return errorCode(error.errors[0]);
  return undefined;
}

function failureMessage(
  kind: PbxFailureKind,
  action: PbxAction,
  origin: string,
  timeouts: PbxTimeouts,
): string {
  const unknown = `the PBX may or may not have applied ${action}; do not resend it blindly.`;
  switch (kind) {
    case "connectTimeout":
      return `Could not connect to the PBX at ${origin} within ${timeouts.connectMs} ms; ${action} was not sent.`;
    case "refused":
      return `Could not connect to the PBX at ${origin} (connection refused or host not found); ${action} was not sent.`;
    case "headersTimeout":
      return `The PBX at ${origin} did not answer ${action} within ${timeouts.headersMs} ms; ${unknown}`;
    case "bodyTimeout":
      return `The PBX at ${origin} did not finish its answer to ${action} within ${timeouts.bodyMs} ms; ${unknown}`;
    case "reset":
      return `The connection to the PBX at ${origin} broke during ${action}; ${unknown}`;
    case "httpStatus":
      return `The PBX at ${origin} answered ${action} with an HTTP error; ${unknown}`;
    case "protocol":
      return `The PBX at ${origin} answered ${action} with text that is not a Crystal API answer; ${unknown}`;
  }
}

/** A body as it may be kept on an error: the secure code and secret parameters redacted, then cut short. */
export function scrubRaw(text: string, secure: string): string {
  return rawForLog(secure === "" ? text : text.split(secure).join("***"));
}

/** Maps an undici or socket error to a PbxTransportError. Unknown errors count as `reset`, outcome unknown. */
export function toTransportError(
  error: unknown,
  action: PbxAction,
  origin: string,
  timeouts: PbxTimeouts,
): PbxTransportError {
  if (error instanceof PbxTransportError) return error;
  const code = errorCode(error) ?? "";
  if (TLS_CODES.has(code)) {
    const message = `Could not connect to the PBX at ${origin}: its TLS certificate was not accepted (${code}); ${action} was not sent.`;
    return new PbxTransportError(message, { kind: "refused", action, outcomeUnknown: false, cause: error });
  }
  const notSent = NOT_SENT_CODES[code];
  if (notSent) {
    const message = failureMessage(notSent, action, origin, timeouts);
    return new PbxTransportError(message, { kind: notSent, action, outcomeUnknown: false, cause: error });
  }
  const kind = MAYBE_SENT_CODES[code] ?? (code.startsWith("HPE_") ? "protocol" : "reset");
  const message = failureMessage(kind, action, origin, timeouts);
  return new PbxTransportError(message, { kind, action, outcomeUnknown: true, cause: error });
}

function wholeBodyTimeout(): Error {
  return Object.assign(new Error("The whole body took too long."), { code: "UND_ERR_BODY_TIMEOUT" });
}

const utf8 = new TextDecoder("utf-8");

/** Where an exchange stands: waiting for the status line, reading a body, or settled. */
const WAITING = 0;
const READING = 1;
const SETTLED = 2;

/**
 * One GET in flight, as an undici dispatch handler: no response stream and one promise per call.
 * undici's own timeouts bound connecting, the wait for headers and every gap between body chunks;
 * a timer started with the headers bounds the whole body (undici's bodyTimeout alone would let a
 * slow trickle run forever).
 */
class Exchange implements Dispatcher.DispatchHandler {
  readonly promise: Promise<string>;
  private phase = WAITING;
  private status = 0;
  private controller: Dispatcher.DispatchController | null = null;
  private first: Buffer | null = null;
  private rest: Buffer[] | null = null;
  private size = 0;
  private bodyTimer: NodeJS.Timeout | undefined;
  private readonly context: TransportContext;
  private readonly action: PbxAction;
  private resolve!: (text: string) => void;
  private reject!: (error: PbxTransportError) => void;

  constructor(context: TransportContext, action: PbxAction) {
    this.context = context;
    this.action = action;
    this.promise = new Promise<string>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number): void {
    // 1xx informational: the answer is still to come.
    if (statusCode < 200 || this.phase !== WAITING) return;
    this.controller = controller;
    this.status = statusCode;
    this.phase = READING;
    this.bodyTimer = setTimeout(() => this.expire(), this.context.timeouts.bodyMs);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.phase !== READING) return;
    this.size += chunk.length;
    // A refusal's body (non-200) is only counted, never kept.
    if (this.status !== 200) {
      if (this.size > BODY_MAX_BYTES) this.settleAndAbort(controller);
      return;
    }
    if (this.first === null) this.first = chunk;
    else (this.rest ??= [this.first]).push(chunk);
    if (this.size > BODY_MAX_BYTES) this.settleAndAbort(controller);
  }

  /** Past BODY_MAX_BYTES: not an answer. Settle, then stop reading (the connection is not reused). */
  private settleAndAbort(controller: Dispatcher.DispatchController): void {
    this.finish();
    controller.abort(new Error(`The body is larger than ${BODY_MAX_BYTES} bytes.`));
  }

  onResponseEnd(): void {
    if (this.phase === READING) this.finish();
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    if (this.phase === SETTLED) return;
    // A body we were only discarding failing is still the HTTP error it was.
    if (this.phase === READING && this.status !== 200) this.finish();
    else this.fail(error);
  }

  /** The whole body did not arrive within bodyMs of the headers. */
  private expire(): void {
    if (this.phase !== READING) return;
    if (this.status !== 200) this.finish();
    else this.fail(wholeBodyTimeout());
    this.controller?.abort(wholeBodyTimeout());
  }

  /** Rejects with `error` mapped to a PbxTransportError (also for a dispatch that threw). */
  fail(error: unknown): void {
    if (this.phase === SETTLED) return;
    clearTimeout(this.bodyTimer);
    this.phase = SETTLED;
    const { context, action } = this;
    this.reject(toTransportError(error, action, context.origin, context.timeouts));
  }

  /** Settles with what was read: the text of a 200, or the typed error of anything else. */
  private finish(): void {
    clearTimeout(this.bodyTimer);
    this.phase = SETTLED;
    const { context, action, status } = this;
    if (status !== 200) {
      const message = `The PBX at ${context.origin} answered ${action} with HTTP ${status}; the PBX may or may not have applied ${action}; do not resend it blindly.`;
      this.reject(
        new PbxTransportError(message, { kind: "httpStatus", action, outcomeUnknown: true, status }),
      );
      return;
    }
    const bytes = this.rest ? Buffer.concat(this.rest, this.size) : this.first;
    const text = bytes === null ? "" : utf8.decode(bytes);
    if (this.size > BODY_MAX_BYTES) {
      const message = `The PBX at ${context.origin} answered ${action} with more than ${BODY_MAX_BYTES} bytes, which is not a Crystal API answer; the PBX may or may not have applied ${action}; do not resend it blindly.`;
      const raw = scrubRaw(text, context.secure);
      this.reject(new PbxTransportError(message, { kind: "protocol", action, outcomeUnknown: true, raw }));
      return;
    }
    this.resolve(text);
  }
}

type TransportContext = {
  origin: string;
  timeouts: PbxTimeouts;
  secure: string;
};

export function createTransport(base: PbxBase, options: TransportOptions): Transport {
  const { timeouts } = options;
  const pool = options.dispatcher
    ? undefined
    : new Pool(base.origin, {
        connections: options.connections,
        pipelining: 1,
        // undici 8 offers HTTP/2 by default over TLS; one request at a time per HTTP/1.1 connection is
        // what the no-resend reasoning above rests on (decision 008).
        allowH2: false,
        connect: { timeout: timeouts.connectMs },
        headersTimeout: timeouts.headersMs,
        bodyTimeout: timeouts.bodyMs,
      });
  const dispatcher: Dispatcher = options.dispatcher ?? (pool as Dispatcher);
  const context: TransportContext = { origin: base.origin, timeouts, secure: options.secure };

  return {
    get(path, action) {
      const exchange = new Exchange(context, action);
      try {
        dispatcher.dispatch(
          {
            origin: base.origin,
            path,
            method: "GET",
            headersTimeout: timeouts.headersMs,
            bodyTimeout: timeouts.bodyMs,
            idempotent: false,
          },
          exchange,
        );
      } catch (error) {
        exchange.fail(error);
      }
      return exchange.promise;
    },
    async close() {
      await pool?.close();
    },
  };
}

/** A protocol error for a 200 whose body is not in the grammar. */
export function protocolError(
  action: PbxAction,
  origin: string,
  text: string,
  secure: string,
): PbxTransportError {
  const message = failureMessage("protocol", action, origin, DEFAULT_TIMEOUTS);
  return new PbxTransportError(message, {
    kind: "protocol",
    action,
    outcomeUnknown: true,
    raw: scrubRaw(text, secure),
  });
}
