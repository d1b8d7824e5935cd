// The simulator's HTTP server: Crystal's two PBX endpoints, exactly as crystal-api.md Part 2 reads them,
// plus the control API under /__sim/.
//
// Timing rules (documented in README.md):
// - A call is applied when its request arrives; latency delays only the answer. A client that times out
//   during the latency has still changed the state: the "unknown outcome" a client must settle.
// - Transport faults (http500, garbage, hang, reset) are decided on arrival and the call is NOT applied:
//   the state stays as it was, whatever the client sees.

import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { createCallCentre, type PbxAnswer } from "./call-centre.ts";
import { CONTROL_PREFIX, handleControl, type SimControls } from "./control.ts";
import { SimInputError } from "./errors.ts";
import { parseExtensions } from "./extensions.ts";
import { createFaultBook } from "./faults.ts";
import { readStateFile, writeStateFile } from "./state-file.ts";
import type { FaultKind, Latency, PbxSim, PbxSimOptions, SimCall, SimEndpoint } from "./types.ts";
import { parseLatency } from "./validate.ts";

export const MANAGEMENT_PATH = "/cc3/writedialplane/agents_commands/management_api.php";
export const AGENT_COMMAND_PATH = "/cc3/writedialplane/agents_commands/agent_command.php";

const REDACTED_PARAMS = new Set(["secure", "agent_pass"]);

const HTTP_500_PAGE =
  "<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head>" +
  "<body><h1>Internal Server Error</h1><p>The server encountered an internal error and was unable to " +
  "complete your request.</p><hr><address>Apache/2.4.6 (CentOS) PHP/5.4.16</address></body></html>";

function garbagePage(path: string): string {
  return (
    "<html><body><br />\n<b>Warning</b>:  mysql_connect(): Too many connections in <b>/var/www/html" +
    `${path}</b> on line <b>12</b><br />\n</body></html>`
  );
}

type Delivery =
  | { kind: "answer"; status: number; body: string; contentType: string }
  | { kind: "hang" }
  | { kind: "reset" };

const TEXT = "text/plain; charset=utf-8";
const HTML = "text/html; charset=UTF-8";

function splitUrl(url: string): { path: string; query: string } {
  const hash = url.indexOf("#");
  const withoutHash = hash === -1 ? url : url.slice(0, hash);
  const question = withoutHash.indexOf("?");
  if (question === -1) return { path: withoutHash, query: "" };
  return { path: withoutHash.slice(0, question), query: withoutHash.slice(question + 1) };
}

function redactedParams(params: URLSearchParams): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [name, value] of params) {
    if (Object.hasOwn(record, name)) continue; // the first value wins, as params.get() reads it
    record[name] = REDACTED_PARAMS.has(name) ? "***" : value;
  }
  return record;
}

function sendText(res: ServerResponse, status: number, body: string, contentType = TEXT): void {
  res
    .writeHead(status, {
      "content-type": contentType,
      "content-length": Buffer.byteLength(body),
      "cache-control": "no-store",
    })
    .end(body);
}

function transportDelivery(kind: Exclude<FaultKind, "storageFailure">, path: string): Delivery {
  if (kind === "http500") return { kind: "answer", status: 500, body: HTTP_500_PAGE, contentType: HTML };
  if (kind === "garbage") return { kind: "answer", status: 200, body: garbagePage(path), contentType: HTML };
  return { kind };
}

function formatHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

export async function startPbxSim(options: PbxSimOptions = {}): Promise<PbxSim> {
  const secure = options.secure ?? randomBytes(8).toString("hex");
  if (secure === "") throw new Error("The secure code must not be empty");
  const host = options.host ?? "127.0.0.1";
  const stateFile = options.stateFile;
  const control = options.control ?? "open";
  if (typeof control === "object" && control.token === "")
    throw new Error("The control token must not be empty");
  const centre = createCallCentre(secure, parseExtensions(options.extensions));
  const faultBook = createFaultBook();
  let latency: Required<Latency> = { fixedMs: 0, jitterMs: 0 };
  let callLog: SimCall[] = [];
  const hanging = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();

  loadInitialState();
  let savedRevision = -1;
  persist();

  function loadInitialState(): void {
    const fromFile = stateFile === undefined ? undefined : readStateFile(stateFile);
    const initial = fromFile ?? options.state;
    if (initial === undefined) return;
    try {
      centre.seed(initial);
    } catch (error) {
      const source = fromFile === undefined ? "options.state" : `State file ${stateFile}`;
      throw new SimInputError(`${source}: ${(error as Error).message}`);
    }
  }

  /** Writes the state file when the state moved since the last write. */
  function persist(): void {
    if (stateFile === undefined || centre.revision() === savedRevision) return;
    writeStateFile(stateFile, centre.snapshot());
    savedRevision = centre.revision();
  }

  function record(call: SimCall): void {
    callLog.push(call);
  }

  function runCall(endpoint: SimEndpoint, params: URLSearchParams): PbxAnswer {
    if (endpoint === "agent") return centre.agentCommand(params);
    return centre.management(params, (action) => faultBook.storageFails(action));
  }

  function deliver(res: ServerResponse, delivery: Delivery): void {
    if (res.destroyed) return;
    if (delivery.kind === "answer") {
      sendText(res, delivery.status, delivery.body, delivery.contentType);
      return;
    }
    if (delivery.kind === "reset") {
      res.socket?.resetAndDestroy();
      return;
    }
    hanging.add(res);
    res.once("close", () => hanging.delete(res));
  }

  function afterLatency(action: () => void): void {
    const delay = latency.fixedMs + Math.random() * latency.jitterMs;
    if (delay <= 0) {
      action();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, delay);
    timers.add(timer);
  }

  function handlePbxCall(
    endpoint: SimEndpoint,
    path: string,
    query: string,
    req: IncomingMessage,
    res: ServerResponse,
  ): void {
    const params = new URLSearchParams(query);
    const action = params.get("action") ?? "";
    const call: SimCall = {
      endpoint,
      action,
      params: redactedParams(params),
      answer: "",
      at: Date.now(),
      status: 0,
    };
    if (req.method !== "GET") {
      const reason = `Method ${req.method ?? ""} not allowed: the PBX endpoints take GET`;
      record({ ...call, status: 405, answer: reason });
      sendText(res, 405, reason);
      return;
    }
    const fault = faultBook.takeTransportFault(action);
    let delivery: Delivery;
    if (fault) {
      delivery = transportDelivery(fault, path);
      record({
        ...call,
        fault,
        ...(delivery.kind === "answer" ? { status: delivery.status, answer: delivery.body } : {}),
      });
    } else {
      const answer = runCall(endpoint, params);
      delivery = { kind: "answer", status: answer.status, body: answer.body, contentType: TEXT };
      record({
        ...call,
        status: answer.status,
        answer: answer.body,
        ...(answer.storageFailure ? { fault: "storageFailure" } : {}),
      });
      persist();
    }
    afterLatency(() => deliver(res, delivery));
  }

  function handleRequest(req: IncomingMessage, res: ServerResponse): void {
    const { path, query } = splitUrl(req.url ?? "/");
    const endpoint =
      path === MANAGEMENT_PATH ? "management" : path === AGENT_COMMAND_PATH ? "agent" : undefined;
    if (endpoint) {
      try {
        handlePbxCall(endpoint, path, query, req, res);
      } catch (error) {
        // Only an unwritable state file gets here; the call itself was answered in memory already.
        console.error(`Crystal PBX simulator: ${(error as Error).message}`);
        if (!res.headersSent) sendText(res, 500, "Simulator error: see its log");
      }
      return;
    }
    if (path.startsWith(CONTROL_PREFIX)) {
      handleControl(controls, control, path, req, res).catch((error: unknown) => {
        if (!res.headersSent) sendText(res, 500, `Simulator error: ${(error as Error).message}`);
      });
      return;
    }
    sendText(res, 404, `Not found: ${path}`);
  }

  const controls: SimControls = {
    state: () => centre.snapshot(),
    reset() {
      centre.clear();
      faultBook.clear();
      latency = { fixedMs: 0, jitterMs: 0 };
      callLog = [];
      persist();
    },
    seed(state) {
      centre.seed(state);
      persist();
    },
    latency: () => ({ ...latency }),
    setLatency(input) {
      latency = parseLatency(input);
    },
    faults: () => faultBook.list(),
    injectFault: (fault) => faultBook.inject(fault),
    clearFaults: () => faultBook.clear(),
    phone(change) {
      centre.phone(change);
      persist();
    },
    calls: () => callLog.map((call) => ({ ...call, params: { ...call.params } })),
    clearCalls() {
      callLog = [];
    },
  };

  const server = createServer(handleRequest);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    closing ??= new Promise<void>((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const res of hanging) res.socket?.destroy();
      hanging.clear();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  }

  return {
    url: `http://${formatHost(host)}:${port}`,
    secure,
    port,
    controlToken: typeof control === "object" ? control.token : null,
    close,
    state: controls.state,
    reset: controls.reset,
    seed: controls.seed,
    setLatency: controls.setLatency,
    latency: controls.latency,
    injectFault: controls.injectFault,
    faults: controls.faults,
    clearFaults: controls.clearFaults,
    phone: controls.phone,
    calls: controls.calls,
    clearCalls: controls.clearCalls,
  };
}
