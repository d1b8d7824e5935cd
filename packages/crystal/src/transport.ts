// The HTTP layer: one undici Pool, explicit timeouts, no retries, the body read in full with a cap.
// undici's `request` never resends a request that was written: on a broken connection it fails the
// request in flight and re-dispatches only requests not yet written (with pipelining 1, none was).
// No RetryAgent or retry interceptor is used, and every request is marked non-idempotent.
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

type Body = Dispatcher.ResponseData["body"];

type BodyRead = { bytes: Buffer; tooLarge: boolean };

function wholeBodyTimeout(): Error {
  return Object.assign(new Error("The whole body took too long."), { code: "UND_ERR_BODY_TIMEOUT" });
}

/**
 * Reads the whole body within `bodyMs` (undici's bodyTimeout only bounds the gap between chunks),
 * stopping at BODY_MAX_BYTES. Plain data/end/error listeners: an async iterator, or a `close` listener,
 * on undici's body costs about 15 µs a call (measured with bench/pbx-client.bench.ts).
 */
function readBody(body: Body, bodyMs: number): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: BodyRead | Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const timer = setTimeout(() => {
      settle(wholeBodyTimeout());
      body.destroy();
    }, bodyMs);
    body.on("data", (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      chunks.push(chunk);
      if (size <= BODY_MAX_BYTES) return;
      settle({ bytes: Buffer.concat(chunks, size), tooLarge: true });
      body.destroy();
    });
    body.on("end", () => settle({ bytes: Buffer.concat(chunks, size), tooLarge: false }));
    body.on("error", (error: Error) => settle(error));
  });
}

/** Discards a body we will not read, keeping the connection for reuse when that is quick. */
async function discard(body: Body, bodyMs: number): Promise<void> {
  try {
    await body.dump({ limit: BODY_MAX_BYTES, signal: AbortSignal.timeout(bodyMs) });
  } catch {
    body.destroy();
  }
}

const utf8 = new TextDecoder("utf-8");

export function createTransport(base: PbxBase, options: TransportOptions): Transport {
  const { timeouts } = options;
  const pool = options.dispatcher
    ? undefined
    : new Pool(base.origin, {
        connections: options.connections,
        pipelining: 1,
        connect: { timeout: timeouts.connectMs },
        headersTimeout: timeouts.headersMs,
        bodyTimeout: timeouts.bodyMs,
      });
  const dispatcher: Dispatcher = options.dispatcher ?? (pool as Dispatcher);

  async function exchange(path: string, action: PbxAction): Promise<string> {
    const { statusCode, body } = await dispatcher.request({
      origin: base.origin,
      path,
      method: "GET",
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.bodyMs,
      idempotent: false,
    });
    if (statusCode !== 200) {
      await discard(body, timeouts.bodyMs);
      const message = `The PBX at ${base.origin} answered ${action} with HTTP ${statusCode}; the PBX may or may not have applied ${action}; do not resend it blindly.`;
      throw new PbxTransportError(message, {
        kind: "httpStatus",
        action,
        outcomeUnknown: true,
        status: statusCode,
      });
    }
    const { bytes, tooLarge } = await readBody(body, timeouts.bodyMs);
    const text = utf8.decode(bytes);
    if (tooLarge) {
      const message = `The PBX at ${base.origin} answered ${action} with more than ${BODY_MAX_BYTES} bytes, which is not a Crystal API answer; the PBX may or may not have applied ${action}; do not resend it blindly.`;
      const raw = scrubRaw(text, options.secure);
      throw new PbxTransportError(message, { kind: "protocol", action, outcomeUnknown: true, raw });
    }
    return text;
  }

  return {
    async get(path, action) {
      try {
        return await exchange(path, action);
      } catch (error) {
        throw toTransportError(error, action, base.origin, timeouts);
      }
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
