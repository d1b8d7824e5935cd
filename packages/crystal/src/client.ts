// createPbxClient: validate, build, send once, parse, report.
import { PbxTransportError } from "./errors.ts";
import { parseAnswer, SUCCESS_KINDS, type PbxOutcomes } from "./parse.ts";
import { redact } from "./redact.ts";
import { parseBaseUrl, pathBuilder, prepare, type PbxBase, type PreparedCall } from "./request.ts";
import {
  createTransport,
  DEFAULT_CONNECTIONS,
  DEFAULT_TIMEOUTS,
  protocolError,
  type Transport,
} from "./transport.ts";
import type {
  PbxAction,
  PbxAnswer,
  PbxCallRecord,
  PbxClient,
  PbxClientOptions,
  PbxTimeouts,
} from "./types.ts";

function positiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`The PBX client's ${what} must be a positive whole number.`);
  return value;
}

function resolveTimeouts(timeouts: Partial<PbxTimeouts> | undefined): PbxTimeouts {
  const merged = { ...DEFAULT_TIMEOUTS, ...timeouts };
  return {
    connectMs: positiveInteger(merged.connectMs, "connect timeout"),
    headersMs: positiveInteger(merged.headersMs, "headers timeout"),
    bodyMs: positiveInteger(merged.bodyMs, "body timeout"),
  };
}

/**
 * The PBX's own message, with the secure code masked when the message is free text (an unexpected
 * answer, or new_agent's undocumented success text) that might echo it.
 */
function maskSecure<O extends { kind: string; pbx: PbxAnswer }>(
  outcome: O,
  action: PbxAction,
  secure: string,
): O {
  const freeText = outcome.kind === "unexpected" || action === "new_agent";
  if (!freeText || secure === "" || !outcome.pbx.message.includes(secure)) return outcome;
  return { ...outcome, pbx: { ...outcome.pbx, message: outcome.pbx.message.split(secure).join("***") } };
}

type Observer = (record: PbxCallRecord) => void;

function notify(onCall: Observer, record: PbxCallRecord): void {
  try {
    onCall(record);
  } catch {
    // An observer's failure must not change the outcome of a call that has already happened.
  }
}

/** What a call reports to `onCall` (when one is given) once it has settled. */
type CallReport = { onCall: Observer; origin: string; path: string; action: PbxAction; started: number };

function report(call: CallReport | null, result: string, ok: boolean, reachable: boolean): void {
  if (call === null) return;
  notify(call.onCall, {
    action: call.action,
    url: redact(`${call.origin}${call.path}`),
    durationMs: performance.now() - call.started,
    result,
    ok,
    reachable,
  });
}

/**
 * Validates with `prepareCall(params)` (a PbxInputError rejects the returned promise, nothing is
 * sent), then sends once and parses. No closure is made per call: this is the hot path.
 */
type Sender = <A extends PbxAction, P>(
  prepareCall: (params: P) => PreparedCall<A>,
  params: P,
) => Promise<PbxOutcomes[A]>;

function createSender(
  base: PbxBase,
  secure: string,
  transport: Transport,
  onCall: Observer | undefined,
): Sender {
  const buildPath = pathBuilder(base.basePath, secure);
  return async function send<A extends PbxAction, P>(
    prepareCall: (params: P) => PreparedCall<A>,
    params: P,
  ): Promise<PbxOutcomes[A]> {
    const call = prepareCall(params);
    const path = buildPath(call);
    const { action } = call;
    const observed: CallReport | null = onCall
      ? { onCall, origin: base.origin, path, action, started: performance.now() }
      : null;
    let text: string;
    try {
      text = await transport.get(path, action);
    } catch (error) {
      const failure = error as PbxTransportError;
      report(observed, failure.kind, false, false);
      throw failure;
    }
    const parsed = parseAnswer(action, text);
    if ("protocolError" in parsed) {
      report(observed, "protocol", false, false);
      throw protocolError(action, base.origin, text, secure);
    }
    const outcome = maskSecure(parsed.outcome, action, secure);
    report(observed, outcome.kind, SUCCESS_KINDS.has(outcome.kind), true);
    return outcome;
  };
}

/**
 * A client for one PBX: one keep-alive undici Pool, explicit timeouts, no retries. Each method
 * validates its input (PbxInputError, nothing sent), sends exactly one GET, and returns the typed
 * outcome of any well-formed answer (refusals included) or throws PbxTransportError.
 */
export function createPbxClient(options: PbxClientOptions): PbxClient {
  const base = parseBaseUrl(options.baseUrl);
  if (typeof options.secure !== "string" || options.secure === "") {
    throw new Error("The PBX secure code must be a non-empty string.");
  }
  const transport = createTransport(base, {
    timeouts: resolveTimeouts(options.timeouts),
    connections: positiveInteger(options.connections ?? DEFAULT_CONNECTIONS, "connections"),
    secure: options.secure,
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
  });
  const send = createSender(base, options.secure, transport, options.onCall);

  return {
    newAgent: (p) => send(prepare.newAgent, p),
    editAgent: (p) => send(prepare.editAgent, p),
    deleteAgent: (p) => send(prepare.deleteAgent, p),
    newQueue: (p) => send(prepare.newQueue, p),
    editQueue: (p) => send(prepare.editQueue, p),
    deleteQueue: (p) => send(prepare.deleteQueue, p),
    assignAgent: (p) => send(prepare.assignAgent, p),
    releaseAgent: (p) => send(prepare.releaseAgent, p),
    login: (p) => send(prepare.login, p),
    logoff: (p) => send(prepare.logoff, p),
    pause: (p) => send(prepare.pause, p),
    online: (p) => send(prepare.online, p),
    mission: (p) => send(prepare.mission, p),
    close: () => transport.close(),
  };
}
