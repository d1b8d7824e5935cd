export { startPbxSim, MANAGEMENT_PATH, AGENT_COMMAND_PATH } from "./server.ts";
export { DEFAULT_EXTENSIONS, parseExtensions } from "./extensions.ts";
export { SimConflictError, SimInputError } from "./errors.ts";
export type {
  AgentState,
  ControlAccess,
  Fault,
  FaultKind,
  Latency,
  PbxSim,
  PbxSimOptions,
  PhoneChange,
  SimAgent,
  SimCall,
  SimEndpoint,
  SimLogin,
  SimQueue,
  SimState,
} from "./types.ts";
