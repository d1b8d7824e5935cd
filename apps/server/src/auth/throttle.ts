// Sign-in limits (design.md rule 7; docs/decisions/011-sign-in-limits-fanout.md), on rate-limiter-flexible's
// counters. They slow a guesser without locking out the person whose account it is:
//   - per account and address pair, a growing delay: a few failures are free, then each one makes the pair
//     wait twice as long before its next try (up to 15 minutes). The owner signing in from anywhere else is
//     not slowed by it. One attempt runs at a time per pair (others wait for it), so a burst of parallel
//     guesses gains nothing.
//   - per address, a cap on failures over many accounts (password spraying); an address the account has
//     signed in from before is not held by it, so one guesser behind a shared address blocks nobody who has
//     signed in from there.
//   - per account, across every address, a gentler growing delay (at most a minute) beyond a larger number
//     of failures: what a guesser with many addresses meets. It holds the owner too, for at most that long per
//     try, unless the owner signs in from an address the account has signed in from before.
// Nothing is counted against an account before its password is checked, so a refusal (429) says nothing
// about whether the account exists, and the decoy-hash timing defence stays as it was (auth/routes.ts).
//
// The counters live in a store chosen at start: memory for one console process; a store shared through the
// database (rate-limiter-flexible's RateLimiterPostgres) for several.
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

/** Makes one limiter (one kind of counter) in the chosen store. */
export type LimiterStore = (options: {
  keyPrefix: string;
  points: number;
  /** Seconds until a key's count starts again from zero (from its first point). */
  duration: number;
  /** Seconds a key stays refused once it has consumed more than `points`. */
  blockDuration?: number;
}) => RateLimiterAbstract;

export const memoryStore: LimiterStore = (options) => new RateLimiterMemory(options);

type Delay = { free: number; firstSeconds: number; maxSeconds: number; windowSeconds: number };

export const SIGN_IN_POLICY = {
  /** Per account and address: 3 failures free, then 1 s, 2 s, 4 s ... 15 min; forgotten a day after the first. */
  pair: { free: 3, firstSeconds: 1, maxSeconds: 15 * 60, windowSeconds: 24 * 3600 },
  /** Per account from every address: 10 failures an hour free, then 1 s, 2 s ... at most 60 s per try. */
  account: { free: 10, firstSeconds: 1, maxSeconds: 60, windowSeconds: 3600 },
  /** Per address: 50 failed sign-ins in 15 minutes, then refused for 15 minutes (not for known pairs). */
  address: { failures: 50, windowSeconds: 15 * 60 },
  /**
   * An account and address pair that signed in is known for 14 days (RateLimiterMemory expires keys with a
   * timer, which Node caps at 24.8 days).
   */
  knownSeconds: 14 * 24 * 3600,
  /** How long an attempt in flight holds its pair (and a delayed account) at most. */
  attemptSeconds: 10,
} as const;

/** Seconds to wait after `failures` failures. */
export function delayAfter(rule: Delay, failures: number): number {
  return failures <= rule.free
    ? 0
    : Math.min(rule.firstSeconds * 2 ** (failures - rule.free - 1), rule.maxSeconds);
}

export type SignInAttempt = { succeeded(): Promise<void>; failed(): Promise<void> };
export type SignInLimiter = ReturnType<typeof createSignInLimiter>;

const COUNT = Number.MAX_SAFE_INTEGER;
/** An attempt that finds its turn taken waits for it this long at most, looking every POLL_MS. */
const QUEUE_MS = 3000;
const POLL_MS = 50;

export function createSignInLimiter(store: LimiterStore = memoryStore, policy = SIGN_IN_POLICY) {
  /**
   * Turns for one kind of key (a pair, an account): its failures, the wait they impose, and the one attempt
   * in flight. take() answers null when the key may try now (it holds the turn until failed() or
   * release()), else the seconds to wait. An attempt that finds another in flight waits for its outcome, so
   * guesses sent all at once run one after the other and meet the delays their failures set.
   */
  function turns(prefix: string, rule: Delay) {
    const failures = store({ keyPrefix: `${prefix}_failures`, points: COUNT, duration: rule.windowSeconds });
    const waits = store({ keyPrefix: `${prefix}_wait`, points: 1, duration: rule.maxSeconds });
    const inFlight = store({ keyPrefix: `${prefix}_turn`, points: 1, duration: policy.attemptSeconds });
    const waiting = async (key: string) => {
      const wait = await waits.get(key);
      return wait && wait.msBeforeNext > 0 ? secondsOf(wait.msBeforeNext) : null;
    };
    return {
      failures: async (key: string) => (await failures.get(key))?.consumedPoints ?? 0,
      async take(key: string): Promise<number | null> {
        const before = await waiting(key);
        if (before !== null) return before;
        const until = Date.now() + QUEUE_MS;
        for (;;) {
          try {
            await inFlight.consume(key);
            break;
          } catch (error) {
            if (!(error instanceof RateLimiterRes)) throw error;
            if (Date.now() > until) return secondsOf(error.msBeforeNext);
            await new Promise((resolve) => setTimeout(resolve, POLL_MS));
          }
        }
        // A failure while this one waited may have set a wait.
        const after = await waiting(key);
        if (after !== null) await inFlight.delete(key);
        return after;
      },
      /** Counts a failure and sets the wait it imposes; frees the turn if this attempt held it. */
      async failed(key: string, held: boolean) {
        const count = (await failures.penalty(key)).consumedPoints;
        const seconds = delayAfter(rule, count);
        if (seconds > 0) await waits.set(key, 1, seconds);
        if (held) await inFlight.delete(key);
      },
      release: (key: string) => inFlight.delete(key),
      clear: (key: string) => Promise.all([failures.delete(key), waits.delete(key), inFlight.delete(key)]),
    };
  }

  const pairs = turns("signin_pair", policy.pair);
  const accounts = turns("signin_account", policy.account);
  const addressAttempts = store({
    keyPrefix: "signin_address_attempts",
    points: policy.address.failures,
    duration: policy.address.windowSeconds,
    blockDuration: policy.address.windowSeconds,
  });
  const knownPairs = store({ keyPrefix: "signin_known_pairs", points: COUNT, duration: policy.knownSeconds });

  return {
    /**
     * Call before checking a password: either the seconds to wait (answer 429), or the attempt, to be told
     * how it went. `account` is the username as typed (any case), `address` the client's address.
     */
    async begin(account: string, address: string): Promise<{ retryAfter: number } | SignInAttempt> {
      const accountKey = account.toLowerCase();
      const pair = JSON.stringify([accountKey, address]);
      const pairWait = await pairs.take(pair);
      if (pairWait !== null) return { retryAfter: pairWait };
      const known = (await knownPairs.get(pair)) !== null;
      try {
        await addressAttempts.consume(address);
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error;
        if (!known) {
          await pairs.release(pair);
          return { retryAfter: secondsOf(error.msBeforeNext) };
        }
      }
      const accountHeld = !known && (await accounts.failures(accountKey)) >= policy.account.free;
      if (accountHeld) {
        const accountWait = await accounts.take(accountKey);
        if (accountWait !== null) {
          await Promise.all([pairs.release(pair), addressAttempts.reward(address)]);
          return { retryAfter: accountWait };
        }
      }
      return {
        async failed() {
          await Promise.all([pairs.failed(pair, true), accounts.failed(accountKey, accountHeld)]);
        },
        async succeeded() {
          await Promise.all([
            pairs.clear(pair),
            addressAttempts.reward(address),
            knownPairs.penalty(pair),
            ...(accountHeld ? [accounts.release(accountKey)] : []),
          ]);
        },
      };
    },
  };
}

/** Whole seconds to wait, at least one. */
const secondsOf = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
