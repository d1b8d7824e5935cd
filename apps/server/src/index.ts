// Starts the console: configuration, registry, PBX client (embedded simulator or a real PBX), the Hono app
// on @hono/node-server, and a close() that shuts down in order.
import { randomBytes } from "node:crypto";
import { setMaxListeners } from "node:events";
import type { Server } from "node:http";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createPbxClient, redact } from "@crystal-console/crystal";
import { type PbxSim, startPbxSim } from "@crystal-console/pbx-sim";
import { serve } from "@hono/node-server";
import type { DestinationStream, Logger } from "pino";
import { createAlertMonitor } from "./alerts/monitor.ts";
import { createApp } from "./app.ts";
import { createDecoyHash } from "./auth/passwords.ts";
import { type EndedSessions, type Sessions, createSessions } from "./auth/sessions.ts";
import { createSignInLimiter, memoryStore } from "./auth/throttle.ts";
import { type Config, loadConfig } from "./config.ts";
import { seedDemoCallCentre } from "./demo.ts";
import type { ConsoleDeps } from "./deps.ts";
import { type EventBus, createEventBus } from "./events/bus.ts";
import { createLogger } from "./logger.ts";
import { createMetrics } from "./metrics.ts";
import { type HistoryPruner, startHistoryPruner } from "./history-pruner.ts";
import { newInstanceId, startInstance } from "./instance.ts";
import { createHealthTracker } from "./pbx/health.ts";
import { createSettler } from "./pbx/settle.ts";
import { makePrivateDir } from "./private-files.ts";
import { postgresLimiterStore } from "./registry/limits.ts";
import { EVENTS_CHANNEL, type Listener, SESSIONS_CHANNEL, listen } from "./registry/listen.ts";
import { openRegistry } from "./registry/open.ts";
import { ensureRollups } from "./registry/rollups.ts";
import { createFactOrder } from "./registry/order.ts";
import { createAgentListCache } from "./registry/snapshot.ts";
import { ensureFirstAdmin } from "./users/service.ts";

/**
 * PBX connections beyond an import's lanes (decision 038): a person's change never waits for a socket that
 * an import holds, and the import's own next call finds a free one.
 */
const PEOPLE_PBX_CONNECTIONS = 4;

export { loadConfig, ConfigError, type Config } from "./config.ts";

export type RunningConsole = {
  url: string;
  config: Config;
  /** The embedded simulator, or null when talking to a real PBX. */
  sim: PbxSim | null;
  /** Set when this start created the first admin. */
  firstAdmin: { username: string; password: string; generated: boolean } | null;
  deps: ConsoleDeps;
  /** Prunes the state history past HISTORY_RETENTION_DAYS (on its own, every hour). */
  historyPruner: HistoryPruner;
  close(): Promise<void>;
};

/** How long a write waits for its fact's turn before it is refused with 503 BUSY (design.md rule 8). */
const FACT_WAIT_MS = 10_000;

const DEFAULT_WEB_DIST = fileURLToPath(new URL("../../web/dist", import.meta.url));

export type StartOptions = {
  /** Where log lines go (default: stdout). Tests pass a stream to read what was logged. */
  logDestination?: DestinationStream;
  /** Session timeouts shorter than the configuration allows (tests of what happens at expiry). */
  sessionTimeouts?: { idleMs: number; absoluteMs: number };
};

export async function startConsole(
  env: Record<string, string | undefined> = {},
  options: StartOptions = {},
): Promise<RunningConsole> {
  const config = loadConfig(env);
  const instanceId = newInstanceId();
  // Every log line names the instance that wrote it (several consoles on one database: decision 021).
  const log = createLogger(config.logLevel, options.logDestination).child({ instance: instanceId });
  if (makePrivateDir(config.dataDir).openToOthers) {
    log.warn(
      { dataDir: config.dataDir },
      "DATA_DIR can be entered by other users: its files are 0600, but `chmod 700` the directory too",
    );
  }
  const db = await openRegistry(
    config.database.dialect === "sqlite"
      ? { dialect: "sqlite", file: resolve(config.database.file) }
      : config.database,
  );
  // Daily rollups cut in another zone (or never built): rebuilt from the history before anything commits.
  if (await ensureRollups(db, config.timeZone))
    log.info({ timeZone: config.timeZone }, "rebuilt report rollups");

  // The embedded simulator's control API reads every agent password and can reset the PBX: it asks for a
  // token only this process knows (tests and the e2e run get it from `sim.controlToken`).
  const sim =
    config.pbx.mode === "embedded"
      ? await startPbxSim({
          host: "127.0.0.1",
          port: 0,
          secure: randomBytes(12).toString("hex"),
          stateFile: join(config.dataDir, "pbx-sim.json"),
          control: { token: randomBytes(32).toString("base64url") },
        })
      : null;
  const pbxTarget = config.pbx.mode === "remote" ? config.pbx : sim && { url: sim.url, secure: sim.secure };
  if (!pbxTarget) throw new Error("The embedded simulator did not start.");

  const shared = config.database.dialect === "postgres" ? config.database : null;
  // On PostgreSQL other consoles may commit too: every instance reads the events back from the log, in one order.
  const bus = createEventBus(db, { from: shared ? "log" : "direct", log });
  let listener: Listener | null = null;
  const sessions = createSessions(
    db,
    options.sessionTimeouts ?? { idleMs: config.sessionIdleMs, absoluteMs: config.sessionAbsoluteMs },
    Date.now,
    // A lookup trusts its copy only once every session end committed elsewhere before it has arrived.
    shared ? { barrier: () => listener?.sync() ?? Promise.reject(new Error("not listening yet")) } : {},
  );
  listener = shared ? await listenToOthers(shared.url, bus, sessions, log) : null;
  await bus.start();
  const metrics = createMetrics(instanceId, () => sessions.countActive());
  const health = createHealthTracker({
    mode: config.pbx.mode,
    onChange: (pbx) =>
      void bus
        .publish([{ type: "health", pbx }])
        .catch((error: unknown) => log.error({ err: error }, "health event")),
  });
  const pbx = createPbxClient({
    baseUrl: pbxTarget.url,
    secure: pbxTarget.secure,
    connections: config.importConcurrency + PEOPLE_PBX_CONNECTIONS,
    timeouts: config.pbxTimeouts,
    onCall(record) {
      health.onCall(record);
      // Counted only when someone can read them (GET /metrics, METRICS=true).
      if (config.metrics) metrics.onPbxCall(record);
      // Redacting the URL is work: only for a log line that will be written.
      if (log.isLevelEnabled("debug"))
        log.debug(
          { pbx: redact(record.url), result: record.result, ms: Math.round(record.durationMs) },
          "pbx call",
        );
    },
  });
  const closing = new AbortController();
  // Every open event stream listens for shutdown on this signal: hundreds are normal, not a leak.
  setMaxListeners(0, closing.signal);
  const settler = createSettler({
    delayMs: config.pbxSettleDelayMs,
    instanceId,
    log,
    closing: closing.signal,
  });
  const instance = await startInstance({
    id: instanceId,
    db,
    bus,
    log,
    settleDelayMs: config.pbxSettleDelayMs,
  });
  const { connectMs, headersMs, bodyMs } = config.pbxTimeouts;
  const order = createFactOrder(db, {
    instanceId,
    waitMs: FACT_WAIT_MS,
    // A PBX call ends within its timeouts; the lease outlives that, then a dead holder's is recovered.
    leaseMs: connectMs + headersMs + bodyMs + 5000,
    closing: closing.signal,
  });

  const deps: ConsoleDeps = {
    config,
    db,
    pbx,
    bus,
    health,
    sessions,
    log,
    metrics,
    scryptLogN: config.scryptLogN,
    instanceId,
    order,
    settler,
    // One console process: the limits' counters in memory; several on PostgreSQL share them in the database.
    signInLimiter: createSignInLimiter(shared ? postgresLimiterStore(db) : memoryStore),
    decoyHash: await createDecoyHash(config.scryptLogN),
    closing: closing.signal,
    agentList: createAgentListCache(db, bus),
    alerts: createAlertMonitor({ db, bus, log }),
  };

  settler.start(deps);
  const pruner = startHistoryPruner(db, { retentionDays: config.historyRetentionDays, log });
  await deps.alerts.start();
  const firstAdmin = await ensureFirstAdmin(deps, () => randomBytes(12).toString("base64url"));
  if (sim && config.demo) await seedDemoCallCentre(deps);
  const stopProbe = health.startProbe(pbxTarget.url, config.pbxProbeIntervalMs, config.pbxTimeouts.connectMs);

  const app = createApp(deps, config.webDist ? resolve(config.webDist) : DEFAULT_WEB_DIST);
  const server = await new Promise<Server>((resolveServer) => {
    const s = serve(
      { fetch: app.fetch, hostname: config.host, port: config.port, serverOptions: serverTimeouts(config) },
      () => resolveServer(s as Server),
    );
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;

  let closed: Promise<void> | null = null;
  async function close() {
    // Stop accepting, end live streams, let in-flight requests (and their PBX calls) finish, then close.
    closed ??= (async () => {
      closing.abort();
      stopProbe();
      const drained = new Promise<void>((done) => server.close(() => done()));
      server.closeIdleConnections();
      // Live streams end on `closing`; their keep-alive sockets go idle just after: close those too, rather
      // than wait for the keep-alive timeout.
      const idle = setInterval(() => server.closeIdleConnections(), 50);
      const forced = setTimeout(() => server.closeAllConnections(), 10_000);
      await drained;
      clearInterval(idle);
      clearTimeout(forced);
      await settler.stop();
      await pruner.stop();
      await deps.alerts.stop();
      await instance.stop();
      await listener?.close();
      await bus.stop();
      await pbx.close();
      await db.destroy();
      await sim?.close();
    })();
    return closed;
  }

  return { url, config, sim, firstAdmin, deps, historyPruner: pruner, close };
}

/**
 * Several consoles on one PostgreSQL database: what the others commit (events) and end (sessions) reaches
 * this one through LISTEN on a connection of its own (registry/listen.ts). After a lost connection, news may
 * have been missed: the event log is read from the cursor, and every cached session is read again when used.
 */
function listenToOthers(url: string, bus: EventBus, sessions: Sessions, log: Logger) {
  return listen(
    url,
    {
      [EVENTS_CHANNEL]: () => void bus.catchUp(),
      [SESSIONS_CHANNEL]: (payload) => sessions.endedElsewhere(JSON.parse(payload) as EndedSessions),
    },
    {
      onReconnect() {
        sessions.forgetAll();
        void bus.catchUp();
      },
      onError: (error) => log.warn({ err: String(error) }, "the registry's listening connection failed"),
    },
  );
}

/**
 * Node's HTTP server timeouts, set on purpose rather than left at Node's defaults (a client may take 60 s to
 * send its headers, 300 s for its whole request), which let a few slow clients hold sockets for minutes:
 * - headersTimeout (10 s): the request line and headers must arrive within this, or 408 and the socket
 *   closes. A browser or proxy sends them at once; only a slow or hostile client takes longer. It counts from
 *   the request's first byte, so an idle keep-alive connection is not cut by it.
 * - requestTimeout (120 s): the whole request, body included; a 5 MB CSV import over a slow link fits. It
 *   ends when the request has been received, not when the answer is sent: the event stream (a GET, received
 *   at once) stays open for hours, as it must.
 * - keepAliveTimeout (5 s, Node's default): an idle connection between requests closes after this. Behind a
 *   proxy that keeps connections to the console open longer, raise it above the proxy's idle timeout.
 * - connectionsCheckingInterval (1 s): how often Node checks the first two; at its default (30 s) a
 *   10 s headers timeout would take up to 40 s.
 */
function serverTimeouts(config: Config) {
  return {
    headersTimeout: config.httpTimeouts.headersMs,
    requestTimeout: config.httpTimeouts.requestMs,
    keepAliveTimeout: config.httpTimeouts.keepAliveMs,
    connectionsCheckingInterval: 1_000,
  };
}
