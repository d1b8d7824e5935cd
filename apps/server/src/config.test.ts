// Configuration is read and validated in one place; a bad value is named, and nothing starts.
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";
import { startConsole } from "./index.ts";

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("has working defaults: embedded PBX on loopback, port 8080, the default pause reasons", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8080,
      host: "127.0.0.1",
      pbx: { mode: "embedded" },
      dataDir: "./data",
      database: { dialect: "sqlite", file: "./data/console.sqlite" },
      logLevel: "info",
      trustProxy: false,
      metrics: false,
      scryptLogN: 17,
      pauseReasons: ["Break", "Lunch", "Training", "Meeting", "Other"],
    });
    expect(config.sessionIdleMs).toBe(60 * 60_000);
    expect(config.sessionAbsoluteMs).toBe(12 * 3_600_000);
  });

  it("TIME_ZONE: an IANA name, the server's by default; HISTORY_RETENTION_DAYS a whole number of days", () => {
    expect(loadConfig({}).timeZone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(loadConfig({}).historyRetentionDays).toBe(400);
    expect(loadConfig({ TIME_ZONE: "Asia/Jerusalem", HISTORY_RETENTION_DAYS: "30" })).toMatchObject({
      timeZone: "Asia/Jerusalem",
      historyRetentionDays: 30,
    });
    expect(configError({ TIME_ZONE: "Mars/Olympus" }).message).toContain(
      "TIME_ZONE: must be an IANA time zone",
    );
    expect(configError({ HISTORY_RETENTION_DAYS: "0" }).message).toContain("HISTORY_RETENTION_DAYS");
  });

  it("PBX_URL and PBX_SECURE together select remote mode", () => {
    expect(loadConfig({ PBX_URL: "http://pbx.local", PBX_SECURE: "42" }).pbx).toEqual({
      mode: "remote",
      url: "http://pbx.local",
      secure: "42",
    });
  });

  it("PBX_URL without PBX_SECURE → ConfigError naming PBX_SECURE", () => {
    const error = configError({ PBX_URL: "http://pbx.local" });
    expect(error.message).toMatch(/PBX_SECURE/);
  });

  it("PBX_SECURE without PBX_URL → ConfigError naming PBX_URL, without the secure code", () => {
    const error = configError({ PBX_SECURE: "s3cr3t-code" });
    expect(error.message).toMatch(/PBX_URL/);
    expect(error.message).not.toContain("s3cr3t-code");
  });

  it.each(["abc", "70000", "-1", "80.5"])("PORT=%s → ConfigError naming PORT", (port) => {
    expect(configError({ PORT: port }).message).toMatch(/PORT/);
  });

  it.each([
    ["PBX_URL", "ftp://pbx.local"],
    ["LOG_LEVEL", "loud"],
    ["TRUST_PROXY", "maybe"],
    ["ADMIN_PASSWORD", "short"],
    ["SESSION_IDLE_MINUTES", "0"],
    ["PBX_HEADERS_TIMEOUT_MS", "soon"],
    ["DATABASE_URL", "mysql://db/console"],
    ["DATABASE_URL", "postgres://db"],
    ["DATABASE_URL", "postgres://"],
    ["DATABASE_URL", "sqlite:"],
    ["SCRYPT_LOG_N", "4"],
    ["TRUST_PROXY_HOPS", "0"],
    ["TRUST_PROXY_HOPS", "1.5"],
    ["TRUST_PROXY_HOPS", "many"],
  ])("%s=%s → ConfigError naming it", (name, value) => {
    const env: Record<string, string> = { [name]: value };
    if (name === "PBX_URL") env.PBX_SECURE = "x";
    if (name === "TRUST_PROXY_HOPS") env.TRUST_PROXY = "true";
    expect(configError(env).message).toMatch(new RegExp(name));
  });

  it("TRUST_PROXY_HOPS: 1 by default; set, it needs TRUST_PROXY=true", () => {
    expect(loadConfig({ TRUST_PROXY: "true" }).trustProxyHops).toBe(1);
    expect(loadConfig({ TRUST_PROXY: "true", TRUST_PROXY_HOPS: "2" }).trustProxyHops).toBe(2);
    expect(configError({ TRUST_PROXY_HOPS: "2" }).message).toMatch(
      /TRUST_PROXY_HOPS: has no effect unless TRUST_PROXY=true/,
    );
  });

  it.each([
    ["sqlite:/var/lib/console.sqlite", { dialect: "sqlite", file: "/var/lib/console.sqlite" }],
    [
      "postgres://console:pw@db:5432/console",
      { dialect: "postgres", url: "postgres://console:pw@db:5432/console" },
    ],
    [
      "postgresql://db/console?sslmode=require",
      { dialect: "postgres", url: "postgresql://db/console?sslmode=require" },
    ],
  ])("DATABASE_URL=%s selects the registry", (value, database) => {
    expect(loadConfig({ DATABASE_URL: value }).database).toEqual(database);
  });

  it("a bad DATABASE_URL is named without echoing its password", () => {
    const message = configError({ DATABASE_URL: "postgres://user:secret-pw@/" }).message;
    expect(message).toMatch(/DATABASE_URL/);
    expect(message).not.toContain("secret-pw");
  });

  it("names every malformed variable at once", () => {
    const message = configError({
      PORT: "nope",
      LOG_LEVEL: "loud",
      METRICS: "perhaps",
      PBX_URL: "http://pbx",
    }).message;
    expect(message).toMatch(/PBX_SECURE: is required when PBX_URL is set/);
    expect(message).toMatch(/PORT/);
    expect(message).toMatch(/LOG_LEVEL/);
    expect(message).toMatch(/METRICS/);
  });

  it("empty values count as unset; pause reasons are trimmed", () => {
    const config = loadConfig({ PORT: "", PBX_URL: "", PBX_SECURE: "", PAUSE_REASONS: " Break , Prayer,, " });
    expect(config.port).toBe(8080);
    expect(config.pbx.mode).toBe("embedded");
    expect(config.pauseReasons).toEqual(["Break", "Prayer"]);
  });

  it("startConsole refuses a bad configuration before starting anything", async () => {
    await expect(
      startConsole({ PBX_URL: "http://127.0.0.1:1", DATA_DIR: "/nonexistent/never" }),
    ).rejects.toThrow(ConfigError);
  });
});
