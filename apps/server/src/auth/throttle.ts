// Sign-in throttling per account and per address: a fixed window of failures, in memory
// (one server; see docs/decisions/005-sessions-and-throttling.md).

export type Throttle = ReturnType<typeof createThrottle>;

export function createThrottle(limit: number, windowMs: number, now = Date.now) {
  const failures = new Map<string, { count: number; resetAt: number }>();

  function current(key: string) {
    const entry = failures.get(key);
    if (!entry || entry.resetAt <= now()) return undefined;
    return entry;
  }

  return {
    /** Seconds until `key` may try again, or 0 when it may try now. */
    retryAfter(key: string): number {
      const entry = current(key);
      return entry && entry.count >= limit ? Math.ceil((entry.resetAt - now()) / 1000) : 0;
    },
    fail(key: string): void {
      const entry = current(key);
      if (entry) entry.count += 1;
      else failures.set(key, { count: 1, resetAt: now() + windowMs });
      if (failures.size > 10_000) {
        for (const [k, v] of failures) if (v.resetAt <= now()) failures.delete(k);
      }
    },
    clear(key: string): void {
      failures.delete(key);
    },
  };
}
