// Everything a route needs, built once at start (index.ts) and passed down explicitly.
import type { PbxClient } from "@crystal-console/crystal";
import type { Logger } from "pino";
import type { AgentDeps } from "./agents/service.ts";
import type { AlertMonitor } from "./alerts/monitor.ts";
import type { Sessions } from "./auth/sessions.ts";
import type { SignInLimiter } from "./auth/throttle.ts";
import type { Config } from "./config.ts";
import type { EventBus } from "./events/bus.ts";
import type { Metrics } from "./metrics.ts";
import type { HealthTracker } from "./pbx/health.ts";
import type { Settler } from "./pbx/settle.ts";
import type { Registry } from "./registry/open.ts";
import type { FactOrder } from "./registry/order.ts";
import type { AgentListCache } from "./registry/snapshot.ts";

export type ConsoleDeps = AgentDeps & {
  config: Config;
  db: Registry;
  pbx: PbxClient;
  bus: EventBus;
  health: HealthTracker;
  sessions: Sessions;
  log: Logger;
  metrics: Metrics;
  signInLimiter: SignInLimiter;
  /** Checked when a username is unknown, so a failed sign-in takes as long either way. */
  decoyHash: string;
  /** Aborted when the server begins to shut down: live streams end so in-flight requests can finish. */
  closing: AbortSignal;
  agentList: AgentListCache;
  /** This process's id among the instances on the registry (instance.ts). */
  instanceId: string;
  order: FactOrder;
  settler: Settler;
  /** Pauses past their limit and understaffed queues (alerts/monitor.ts). */
  alerts: AlertMonitor;
};
