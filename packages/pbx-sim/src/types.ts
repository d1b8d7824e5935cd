// The simulator's public types. SimState is a stable JSON shape: the control API, the state file and
// the tests all read and write it.

export type AgentState = "online" | "paused" | "mission";

export type SimAgent = {
  id: string;
  name: string;
  password: string;
  outQueueId: string;
  /** false once del_agent ran: the id can never be used again (new_agent answers Failed:9). */
  active: boolean;
};

export type SimQueue = { id: string; name: string; agentIds: string[] };

export type SimLogin = { agentId: string; extension: string; state: AgentState };

/** Everything the PBX knows. Arrays are sorted by id (numeric-aware). */
export type SimState = { agents: SimAgent[]; queues: SimQueue[]; logins: SimLogin[] };

export type FaultKind = "storageFailure" | "http500" | "garbage" | "hang" | "reset";

/**
 * A fault hits the next `count` matching calls (default 1) or, with `rate` (0..1), that fraction of
 * matching calls until cleared. `actions` restricts it to those actions (default: every action).
 */
export type Fault = { kind: FaultKind; count?: number; rate?: number; actions?: string[] };

/** A change made on the phone itself, bypassing the API (for drift tests). */
export type PhoneChange =
  | { agentId: string; action: "login"; extension: string }
  | { agentId: string; action: "logoff" | "pause" | "online" | "mission" };

export type SimEndpoint = "management" | "agent";

/** One request received on a PBX endpoint, with `secure` and `agent_pass` replaced by "***". */
export type SimCall = {
  endpoint: SimEndpoint;
  action: string;
  params: Record<string, string>;
  /** The body sent back ("" for hang and reset). */
  answer: string;
  /** Date.now() when the request arrived. */
  at: number;
  /** HTTP status sent (0 for hang and reset). */
  status: number;
  /** The transport or storage fault that hit this call, if any. */
  fault?: FaultKind;
};

export type Latency = { fixedMs: number; jitterMs?: number };

export type PbxSimOptions = {
  /** The PBX's secure code; random when omitted. */
  secure?: string;
  /** Extensions that exist, e.g. "100-699" (default) or "100-199,500-599". */
  extensions?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: the OS picks a free port. */
  port?: number;
  /** Loaded at start when it exists, rewritten (atomically) after every state change. */
  stateFile?: string;
  /** Initial state when there is no state file yet. */
  state?: SimState;
  /**
   * The control API (`/__sim/`): open to anyone who can reach the port (the default, for tests and demos),
   * `"off"` (404), or only for requests with `Authorization: Bearer <token>` (401 without it).
   */
  control?: ControlAccess;
};

export type ControlAccess = "open" | "off" | { token: string };

export type PbxSim = {
  /** Base URL, e.g. http://127.0.0.1:8081 (no trailing slash). */
  url: string;
  secure: string;
  port: number;
  /** The token the control API asks for, or null when it is open or off. */
  controlToken: string | null;
  close: () => Promise<void>;
  state: () => SimState;
  /** Empty call centre, no faults, no latency, empty call log. */
  reset: () => void;
  seed: (state: SimState) => void;
  setLatency: (latency: Latency) => void;
  latency: () => Required<Latency>;
  injectFault: (fault: Fault) => void;
  /** The faults still armed (counted ones with their remaining count). */
  faults: () => Fault[];
  clearFaults: () => void;
  phone: (change: PhoneChange) => void;
  calls: () => SimCall[];
  clearCalls: () => void;
};
