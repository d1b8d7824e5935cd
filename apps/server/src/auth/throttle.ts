// Sign-in limits (design.md rule 7; docs/decisions/010-sign-in-limits.md), on rate-limiter-flexible's
// counters. They slow a guesser without locking out the person whose account it is:
//   - per account and address pair, a growing delay: a few failures are free, then each one makes the pair
//     wait twice as long before its next try (up to 15 minutes). The owner signing in from anywhere else is
//     not slowed by it. One attempt runs at a time per pair, so a burst of parallel guesses gains nothing.
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

export function createSignInLimiter(store: LimiterStore = memoryStore, policy = SIGN_IN_POLICY) {
  const pairFailures = store({
    keyPrefix: "signin_pair_failures",
    points: COUNT,
    duration: policy.pair.windowSeconds,
  });
  const pairTurn = store({ keyPrefix: "signin_pair_turn", points: 1, duration: policy.attemptSeconds });
  const accountFailures = store({
    keyPrefix: "signin_account_failures",
    points: COUNT,
    duration: policy.account.windowSeconds,
  });
  const accountTurn = store({ keyPrefix: "signin_account_turn", points: 1, duration: policy.attemptSeconds });
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
      // Taken in order; a refusal gives back what this attempt took.
      const undo: (() => Promise<unknown>)[] = [];
      const refuse = async (error: unknown) => {
        await Promise.all(undo.map((step) => step()));
        return { retryAfter: retryAfterOf(error) };
      };
      try {
        await pairTurn.consume(pair);
      } catch (error) {
        return refuse(error);
      }
      undo.push(() => pairTurn.delete(pair));
      const known = (await knownPairs.get(pair)) !== null;
      try {
        await addressAttempts.consume(address);
      } catch (error) {
        if (!known) return refuse(error);
      }
      undo.push(() => addressAttempts.reward(address));
      const accountDelayed =
        !known && ((await accountFailures.get(accountKey))?.consumedPoints ?? 0) >= policy.account.free;
      if (accountDelayed) {
        try {
          await accountTurn.consume(accountKey);
        } catch (error) {
          return refuse(error);
        }
      }
      return {
        async failed() {
          const pairCount = (await pairFailures.penalty(pair)).consumedPoints;
          await wait(pairTurn, pair, delayAfter(policy.pair, pairCount));
          const accountCount = (await accountFailures.penalty(accountKey)).consumedPoints;
          if (accountDelayed || accountCount > policy.account.free)
            await wait(accountTurn, accountKey, delayAfter(policy.account, accountCount));
        },
        async succeeded() {
          await Promise.all([
            pairFailures.delete(pair),
            pairTurn.delete(pair),
            addressAttempts.reward(address),
            knownPairs.penalty(pair),
            ...(accountDelayed ? [accountTurn.delete(accountKey)] : []),
          ]);
        },
      };
    },
  };
}

/** Holds the next turn of `key` for `seconds` (or frees it at once). */
async function wait(turn: RateLimiterAbstract, key: string, seconds: number) {
  if (seconds > 0) await turn.block(key, seconds);
  else await turn.delete(key);
}

/** The whole seconds a refusal asks to wait; a store failure is not a refusal and is thrown on. */
function retryAfterOf(error: unknown): number {
  if (!(error instanceof RateLimiterRes)) throw error;
  return Math.max(1, Math.ceil(error.msBeforeNext / 1000));
}
