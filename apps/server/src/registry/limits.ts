// The sign-in limiter's store for several consoles on one PostgreSQL database (docs/decisions/011-sign-in-limits-fanout.md):
// rate-limiter-flexible's RateLimiterPostgres on the registry's pool, in the table migration 007 creates. Its
// consume is one atomic upsert, so every instance counts the same failures. Should the database fail, each
// limiter falls back to counting in this process's memory (its insurance limiter) rather than let every
// attempt through or refuse every one.
import { RateLimiterMemory, RateLimiterPostgres } from "rate-limiter-flexible";
import type { LimiterStore } from "../auth/throttle.ts";
import { type Registry, poolOf } from "./open.ts";

export function postgresLimiterStore(db: Registry): LimiterStore {
  const pool = poolOf(db);
  if (!pool) throw new Error("the shared sign-in limiter needs the registry on PostgreSQL");
  return (options) =>
    new RateLimiterPostgres({
      ...options,
      storeClient: pool,
      storeType: "pool",
      tableName: "sign_in_limits",
      tableCreated: true,
      insuranceLimiter: new RateLimiterMemory(options),
    });
}
