// All configuration, read and validated in one place. Nothing else reads process.env.
import { z } from "zod";
import type { RegistryTarget } from "./registry/open.ts";

const DEFAULT_PAUSE_REASONS = "Break,Lunch,Training,Meeting,Other";

const booleanFlag = z
  .enum(["true", "false", "1", "0", "yes", "no"], { error: "must be true or false" })
  .transform((value) => value === "true" || value === "1" || value === "yes");

/** An IANA time zone name this Node knows (Intl throws a RangeError for any other). */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const envSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    HOST: z.string().min(1).default("127.0.0.1"),
    PBX_URL: z.url({ protocol: /^https?$/, error: "must be an http or https URL" }).optional(),
    PBX_SECURE: z.string().min(1).optional(),
    PBX_CONNECT_TIMEOUT_MS: positiveInt(3000),
    PBX_HEADERS_TIMEOUT_MS: positiveInt(5000),
    PBX_BODY_TIMEOUT_MS: positiveInt(5000),
    /** How often the PBX's reachability is probed (a TCP connect, never a PBX command) when no call was made. */
    PBX_PROBE_INTERVAL_MS: positiveInt(10_000),
    /** After an unknown outcome, the console sends one follow-up "ensure" this much later to settle it. */
    PBX_SETTLE_DELAY_MS: positiveInt(3000),
    /** The console's own HTTP server (index.ts says why each is what it is). */
    HTTP_HEADERS_TIMEOUT_MS: positiveInt(10_000),
    HTTP_REQUEST_TIMEOUT_MS: positiveInt(120_000),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: positiveInt(5_000),
    DATA_DIR: z.string().min(1).default("./data"),
    DATABASE_URL: z.string().optional(),
    ADMIN_PASSWORD: z.string().min(12, { error: "must be at least 12 characters" }).optional(),
    SESSION_IDLE_MINUTES: positiveInt(60),
    SESSION_ABSOLUTE_HOURS: positiveInt(12),
    TRUST_PROXY: booleanFlag.default(false),
    /** How many trusted proxies append to X-Forwarded-For: the client is that many entries from the right. */
    TRUST_PROXY_HOPS: z.coerce
      .number({ error: "must be a whole number from 1 to 10" })
      .int({ error: "must be a whole number from 1 to 10" })
      .min(1, { error: "must be a whole number from 1 to 10" })
      .max(10, { error: "must be a whole number from 1 to 10" })
      .optional(),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    METRICS: booleanFlag.default(false),
    PAUSE_REASONS: z.string().default(DEFAULT_PAUSE_REASONS),
    /** log2 of scrypt's N. 17 is the production cost (design.md rule 7); tests lower it to run fast. */
    SCRYPT_LOG_N: z.coerce.number().int().min(10).max(20).default(17),
    /** Create the demo call centre on an empty registry in embedded mode. */
    DEMO: booleanFlag.default(true),
    WEB_DIST: z.string().optional(),
    IMPORT_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4),
    /** The call centre's time zone: reports cut days in it. Default: the server's. */
    TIME_ZONE: z
      .string()
      .refine(isTimeZone, { error: "must be an IANA time zone name, e.g. Asia/Jerusalem" })
      .default(() => Intl.DateTimeFormat().resolvedOptions().timeZone),
    /** State history older than this is pruned in the background; reports say when they reach before it. */
    HISTORY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(400),
  })
  .superRefine(
    (env, ctx) => {
      if (env.PBX_URL && !env.PBX_SECURE) {
        ctx.addIssue({ code: "custom", path: ["PBX_SECURE"], message: "is required when PBX_URL is set" });
      }
      if (env.PBX_SECURE && !env.PBX_URL) {
        ctx.addIssue({ code: "custom", path: ["PBX_URL"], message: "is required when PBX_SECURE is set" });
      }
      if (env.TRUST_PROXY_HOPS !== undefined && env.TRUST_PROXY !== true) {
        ctx.addIssue({
          code: "custom",
          path: ["TRUST_PROXY_HOPS"],
          message: "has no effect unless TRUST_PROXY=true",
        });
      }
      if (env.HTTP_HEADERS_TIMEOUT_MS > env.HTTP_REQUEST_TIMEOUT_MS) {
        ctx.addIssue({
          code: "custom",
          path: ["HTTP_HEADERS_TIMEOUT_MS"],
          message: "must not be longer than HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request)",
        });
      }
      if (env.DATABASE_URL && typeof databaseTarget(env.DATABASE_URL) === "string") {
        ctx.addIssue({
          code: "custom",
          path: ["DATABASE_URL"],
          message: databaseTarget(env.DATABASE_URL) as string,
        });
      }
      // Runs even when other variables are malformed, so every problem is named in one go.
    },
    { when: () => true },
  );

export type Config = {
  port: number;
  host: string;
  pbx: { mode: "embedded" } | { mode: "remote"; url: string; secure: string };
  pbxTimeouts: { connectMs: number; headersMs: number; bodyMs: number };
  httpTimeouts: { headersMs: number; requestMs: number; keepAliveMs: number };
  pbxProbeIntervalMs: number;
  pbxSettleDelayMs: number;
  dataDir: string;
  /** The registry: a SQLite file (the default) or a PostgreSQL database. */
  database: RegistryTarget;
  adminPassword: string | undefined;
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  trustProxy: boolean;
  /** With trustProxy: the client's address is this many X-Forwarded-For entries from the right. */
  trustProxyHops: number;
  logLevel: z.infer<typeof envSchema>["LOG_LEVEL"];
  metrics: boolean;
  pauseReasons: string[];
  scryptLogN: number;
  demo: boolean;
  webDist: string | undefined;
  importConcurrency: number;
  timeZone: string;
  historyRetentionDays: number;
};

export class ConfigError extends Error {}

/** Reads configuration from an environment-like record; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = processEnv()): Config {
  const parsed = envSchema.safeParse(dropEmpty(env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const pauseReasons = e.PAUSE_REASONS.split(",")
    .map((reason) => reason.trim())
    .filter((reason) => reason.length > 0);
  return {
    port: e.PORT,
    host: e.HOST,
    pbx:
      e.PBX_URL && e.PBX_SECURE
        ? { mode: "remote", url: e.PBX_URL, secure: e.PBX_SECURE }
        : { mode: "embedded" },
    pbxTimeouts: {
      connectMs: e.PBX_CONNECT_TIMEOUT_MS,
      headersMs: e.PBX_HEADERS_TIMEOUT_MS,
      bodyMs: e.PBX_BODY_TIMEOUT_MS,
    },
    httpTimeouts: {
      headersMs: e.HTTP_HEADERS_TIMEOUT_MS,
      requestMs: e.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    },
    pbxProbeIntervalMs: e.PBX_PROBE_INTERVAL_MS,
    pbxSettleDelayMs: e.PBX_SETTLE_DELAY_MS,
    dataDir: e.DATA_DIR,
    database: e.DATABASE_URL
      ? (databaseTarget(e.DATABASE_URL) as RegistryTarget)
      : { dialect: "sqlite", file: `${e.DATA_DIR}/console.sqlite` },
    adminPassword: e.ADMIN_PASSWORD,
    sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
    sessionAbsoluteMs: e.SESSION_ABSOLUTE_HOURS * 3_600_000,
    trustProxy: e.TRUST_PROXY,
    trustProxyHops: e.TRUST_PROXY_HOPS ?? 1,
    logLevel: e.LOG_LEVEL,
    metrics: e.METRICS,
    pauseReasons: pauseReasons.length > 0 ? pauseReasons : DEFAULT_PAUSE_REASONS.split(","),
    scryptLogN: e.SCRYPT_LOG_N,
    demo: e.DEMO,
    webDist: e.WEB_DIST,
    importConcurrency: e.IMPORT_CONCURRENCY,
    timeZone: e.TIME_ZONE,
    historyRetentionDays: e.HISTORY_RETENTION_DAYS,
  };
}

/**
 * DATABASE_URL: `sqlite:<path>` or a `postgres://` / `postgresql://` URL (user, password, host, port, database
 * and node-postgres's query options such as `sslmode`). Returns the target, or why the value is not one.
 */
function databaseTarget(value: string): RegistryTarget | string {
  if (value.startsWith("sqlite:")) {
    const file = value.slice("sqlite:".length);
    return file === ""
      ? "sqlite: needs a file path, e.g. sqlite:./data/console.sqlite"
      : { dialect: "sqlite", file };
  }
  if (/^postgres(ql)?:\/\//.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return "is not a valid postgres:// URL (postgres://user:password@host:5432/database)";
    }
    if (url.hostname === "" && !url.searchParams.has("host")) return "names no PostgreSQL host";
    if (url.pathname.replace(/^\//, "") === "")
      return "names no database (postgres://user:password@host:5432/database)";
    return { dialect: "postgres", url: value };
  }
  return "must be sqlite:<path> or a postgres:// (postgresql://) URL";
}

function dropEmpty(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== "",
    ),
  );
}

/** The process's environment: main.ts starts the console with it. */
export function processEnv(): Record<string, string | undefined> {
  return process.env;
}
