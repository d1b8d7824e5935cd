// The per-fact order (design.md rule 8, docs/decisions/015-registry-fact-order.md): a writer takes its fact's turn
// before its PBX call and gives it back in the commit of its outcome. Within this process writers wait in
// FIFO order, without touching the database; only the head of a fact's line asks the database for the
// lease (locks.ts), so writers on other instances take turns with it. A turn not had within `waitMs` is
// refused with 503 BUSY: never skipped, never reordered.
import { randomBytes } from "node:crypto";
import { HttpError } from "../http/errors.ts";
import { type Lease, releaseLease, tryAcquireLease } from "./locks.ts";
import type { Registry } from "./open.ts";

/** How often the head of a line asks again while another instance holds the fact. */
const POLL_MS = 15;

export type Turn = Lease & {
  /** After the commit that released the lease: the next local writer on the fact may go. */
  done(): void;
  /** When no commit released it (an error before or during the commit): deletes the lease, then done(). */
  abandon(): Promise<void>;
};

export type FactOrder = {
  take(fact: string, attempt: string, label: string): Promise<Turn>;
  /** Facts with a writer in flight or waiting in this process (for tests). */
  readonly busy: number;
};

export function createFactOrder(
  db: Registry,
  options: { instanceId: string; waitMs: number; leaseMs: number; closing: AbortSignal },
): FactOrder {
  /** Per fact, the writers of this process: the first holds (or is acquiring) the lease, the rest wait. */
  const lines = new Map<string, (() => void)[]>();

  function leave(fact: string, wake: () => void) {
    const line = lines.get(fact);
    if (!line) return;
    const at = line.indexOf(wake);
    if (at !== -1) line.splice(at, 1);
    const next = line[0];
    if (!next) lines.delete(fact);
    else if (at === 0) next();
  }

  async function take(fact: string, attempt: string, label: string): Promise<Turn> {
    const deadline = Date.now() + options.waitMs;
    let wake: () => void = () => undefined;
    const busy = () => {
      leave(fact, wake);
      return new HttpError(
        503,
        "BUSY",
        `Another change to ${label} is still waiting for the PBX; nothing was sent. Try again in a moment.`,
      );
    };
    const line = lines.get(fact);
    if (!line) lines.set(fact, [wake]);
    else {
      // Wait for the writers ahead in this process, at most until the deadline.
      const turn = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), options.waitMs);
        wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
        line.push(wake);
      });
      if (!turn) throw busy();
    }

    const token = randomBytes(12).toString("base64url");
    for (;;) {
      const now = Date.now();
      const acquired = await tryAcquireLease(db, {
        fact,
        token,
        holder: options.instanceId,
        attempt,
        now,
        expiresAt: now + options.leaseMs,
      }).catch((error: unknown) => {
        leave(fact, wake);
        throw error;
      });
      if (acquired) break;
      if (Date.now() + POLL_MS > deadline || options.closing.aborted) throw busy();
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }

    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      leave(fact, wake);
    };
    return {
      fact,
      token,
      done,
      async abandon() {
        try {
          await releaseLease(db, { fact, token });
        } finally {
          done();
        }
      },
    };
  }

  return {
    take,
    get busy() {
      return lines.size;
    },
  };
}
