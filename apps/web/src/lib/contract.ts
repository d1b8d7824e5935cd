// The few values of the shared contract that the first screen needs. They are checked against the contract
// by type, so they cannot drift, but importing them from here keeps the contract's zod schemas (about
// 40 KB gzip) out of the initial JavaScript: the schemas load on first use, through `loadSchemas`. (The
// typed client, lib/api.ts, takes its run-time half from @crystal-console/api/client, which has no zod.)
import type {
  consoleEventTypes as contractEventTypes,
  RESYNC_EVENT as ContractResyncEvent,
} from "@crystal-console/api";

export const consoleEventTypes: typeof contractEventTypes = [
  "agent",
  "agentDeleted",
  "queue",
  "queueDeleted",
  "health",
  "import",
  "alert",
];

export const RESYNC_EVENT: typeof ContractResyncEvent = "resync";

/** The contract's schemas (same rules as the server), loaded when a form first validates. */
export const loadSchemas = () => import("@crystal-console/api");
