// The few values of the shared contract that the first screen needs. They are checked against the contract
// by type, so they cannot drift, but importing them from here keeps the contract's zod schemas (about
// 40 KB gzip) out of the initial JavaScript: the schemas load on first use, through `loadSchemas`.
import type {
  CSRF_HEADER as ContractCsrfHeader,
  CSRF_VALUE as ContractCsrfValue,
  consoleEventTypes as contractEventTypes,
  RESYNC_EVENT as ContractResyncEvent,
} from "@crystal-console/api";

export const CSRF_HEADER: typeof ContractCsrfHeader = "X-Requested-With";
export const CSRF_VALUE: typeof ContractCsrfValue = "crystal-console";

export const consoleEventTypes: typeof contractEventTypes = [
  "agent",
  "agentDeleted",
  "queue",
  "queueDeleted",
  "health",
  "import",
];

export const RESYNC_EVENT: typeof ContractResyncEvent = "resync";

/** The contract's schemas (same rules as the server), loaded when a form first validates. */
export const loadSchemas = () => import("@crystal-console/api");
