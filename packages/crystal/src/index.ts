export * from "./types.ts";
export * from "./rules.ts";
export { createPbxClient } from "./client.ts";
export { redact } from "./redact.ts";
export { PbxInputError, PbxTransportError, type PbxInputField } from "./errors.ts";
export {
  parseAgentAnswer,
  parseAnswer,
  parseManagementAnswer,
  SUCCESS_KINDS,
  type AgentOutcomes,
  type ManagementOutcomes,
  type ParseResult,
  type PbxOutcomes,
} from "./parse.ts";
export {
  AGENT_COMMAND_PATH,
  buildPath,
  buildQuery,
  MANAGEMENT_PATH,
  parseBaseUrl,
  prepare,
  type PreparedCall,
} from "./request.ts";
export { BODY_MAX_BYTES, DEFAULT_CONNECTIONS, DEFAULT_TIMEOUTS } from "./transport.ts";
