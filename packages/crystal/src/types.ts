// The public shape of the Crystal PBX client. The console's server codes against these types only;
// nothing outside packages/crystal knows the PBX's wire format.

/** What the PBX literally answered, kept on every outcome so errors can carry the PBX's own words. */
export type PbxAnswer = { code: number; message: string };

/** An answer that is well formed but not one the vendor reference names for this action. */
export type Unexpected = { kind: "unexpected"; pbx: PbxAnswer };

/** `Failed:1:invalid or missing parameters`: bad parameters or a wrong secure code (indistinguishable). */
export type InvalidParams = { kind: "invalidParams"; pbx: PbxAnswer };

type Outcome<K extends string, Extra = object> = { kind: K; pbx: PbxAnswer } & Extra;

export type NewAgentOutcome =
  | Outcome<"created">
  | Outcome<"exists">
  | Outcome<"inactiveExists">
  | Outcome<"notCreated">
  | InvalidParams
  | Unexpected;

export type EditAgentOutcome =
  | Outcome<"updated">
  | Outcome<"noSuchAgent">
  | Outcome<"nothingToDo">
  | Outcome<"notUpdated">
  | InvalidParams
  | Unexpected;

export type DeleteAgentOutcome =
  | Outcome<"deleted">
  | Outcome<"noSuchAgent">
  | Outcome<"loggedIn">
  | Outcome<"notDeleted">
  | InvalidParams
  | Unexpected;

export type NewQueueOutcome =
  Outcome<"created"> | Outcome<"exists"> | Outcome<"notCreated"> | InvalidParams | Unexpected;

export type EditQueueOutcome =
  Outcome<"updated"> | Outcome<"noSuchQueue"> | Outcome<"notUpdated"> | InvalidParams | Unexpected;

export type DeleteQueueOutcome =
  Outcome<"deleted"> | Outcome<"noSuchQueue"> | Outcome<"notDeleted"> | InvalidParams | Unexpected;

export type AssignAgentOutcome =
  | Outcome<"assigned">
  | Outcome<"invalidQueue">
  | Outcome<"noSuchAgent">
  | Outcome<"alreadyAssigned">
  | InvalidParams
  | Unexpected;

export type ReleaseAgentOutcome =
  Outcome<"released"> | Outcome<"invalidQueue"> | Outcome<"notAssigned"> | InvalidParams | Unexpected;

/** `0: OK login,201,501`: `extension` is the one named in the answer. */
export type LoginOutcome =
  | Outcome<"ok", { extension: string }>
  | Outcome<"noSuchAgent">
  | Outcome<"noSuchExtension">
  | Outcome<"notLoggedOff">
  | Outcome<"extensionInUse", { byAgentId: string }>
  | Unexpected;

/** logoff, pause, online, mission. On `ok`, `extension` is the one the answer names (left, or current). */
export type AgentCommandOutcome =
  Outcome<"ok", { extension: string }> | Outcome<"noSuchAgent"> | Outcome<"alreadyLoggedOff"> | Unexpected;

export type ManagementAction =
  | "new_agent"
  | "edit_agent"
  | "del_agent"
  | "new_queue"
  | "edit_queue"
  | "del_queue"
  | "assign_agent"
  | "release_agent";

export type AgentAction = "login" | "logoff" | "pause" | "online" | "mission";

export type PbxAction = ManagementAction | AgentAction;

export type PbxTimeouts = {
  /** TCP (and TLS) connect. */
  connectMs: number;
  /** From request sent to response headers. */
  headersMs: number;
  /** Between body chunks, and for the whole body. */
  bodyMs: number;
};

/**
 * Why a call failed without a parsed answer.
 * `outcomeUnknown` is true when the request may have reached the PBX and been applied
 * (headers/body timeout, reset after sending, non-200, unparseable body): such a call must
 * never be resent blindly. It is false when the PBX cannot have acted (connect timeout, refused).
 */
export type PbxFailureKind =
  "connectTimeout" | "headersTimeout" | "bodyTimeout" | "refused" | "reset" | "httpStatus" | "protocol";

/** Every call's result as seen by an observer (for health tracking, metrics and logs). */
export type PbxCallRecord = {
  action: PbxAction;
  /** The request URL with `secure` and `agent_pass` redacted. */
  url: string;
  durationMs: number;
  /** The outcome kind, or the failure kind. */
  result: string;
  ok: boolean;
  /** True when the PBX answered at all (any parsed answer, even a refusal): it is reachable. */
  reachable: boolean;
};

export type PbxClientOptions = {
  /** e.g. `http://pbx`, `https://pbx.example:8443/`, `http://10.0.0.5/crystal/` */
  baseUrl: string;
  secure: string;
  timeouts?: Partial<PbxTimeouts>;
  /** Pool size; default 4. */
  connections?: number;
  /** Called after every call (success, refusal or failure). */
  onCall?: (record: PbxCallRecord) => void;
  /** For tests: an undici Dispatcher (e.g. MockAgent) used instead of the client's own Pool. */
  dispatcher?: import("undici").Dispatcher;
};

export type PbxClient = {
  newAgent(p: {
    agentId: string;
    password: string;
    name: string;
    outQueueId: string;
  }): Promise<NewAgentOutcome>;
  editAgent(p: {
    agentId: string;
    password?: string;
    name?: string;
    outQueueId?: string;
  }): Promise<EditAgentOutcome>;
  deleteAgent(p: { agentId: string }): Promise<DeleteAgentOutcome>;
  newQueue(p: { queueId: string; name: string }): Promise<NewQueueOutcome>;
  editQueue(p: { queueId: string; name: string }): Promise<EditQueueOutcome>;
  deleteQueue(p: { queueId: string }): Promise<DeleteQueueOutcome>;
  assignAgent(p: { agentId: string; queueId: string }): Promise<AssignAgentOutcome>;
  releaseAgent(p: { agentId: string; queueId: string }): Promise<ReleaseAgentOutcome>;
  login(p: { agentId: string; extension: string }): Promise<LoginOutcome>;
  logoff(p: { agentId: string }): Promise<AgentCommandOutcome>;
  pause(p: { agentId: string }): Promise<AgentCommandOutcome>;
  online(p: { agentId: string }): Promise<AgentCommandOutcome>;
  mission(p: { agentId: string }): Promise<AgentCommandOutcome>;
  close(): Promise<void>;
};
