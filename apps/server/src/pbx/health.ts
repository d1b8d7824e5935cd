// The PBX's health, from the outcomes of recent calls and, when no call was made lately, a TCP connect to
// the PBX's port. It never sends a PBX command to find out: every PBX command changes state.
import { connect } from "node:net";
import type { PbxHealth } from "@crystal-console/api";
import type { PbxCallRecord } from "@crystal-console/crystal";

export type HealthTracker = ReturnType<typeof createHealthTracker>;

/** An answer slower than this marks the PBX slow (reachable, but the console's health is "degraded"). */
export const SLOW_ANSWER_MS = 1000;

/** Call failures that happen before a connection is made: a successful TCP probe does clear these. */
const CONNECT_FAILURES = new Set(["refused", "connectTimeout"]);

const FAILURE_SENTENCES: Record<string, string> = {
  refused: "The PBX could not be reached: it refused the connection.",
  connectTimeout: "The PBX could not be reached: it did not accept a connection in time.",
  headersTimeout: "The PBX did not answer in time.",
  bodyTimeout: "The PBX did not finish its answer in time.",
  reset: "The PBX dropped the connection without answering.",
  httpStatus: "The PBX answered with an HTTP error instead of a Crystal answer.",
  protocol: "The PBX answered with text that is not a Crystal answer.",
};

function failureSentence(record: PbxCallRecord): string {
  const what = FAILURE_SENTENCES[record.result] ?? "The PBX did not give a usable answer.";
  return `${what} (last call: ${record.action.replace("_", " ")})`;
}

export function createHealthTracker(options: {
  mode: PbxHealth["mode"];
  onChange: (health: PbxHealth) => void;
  slowMs?: number;
}) {
  const slowMs = options.slowMs ?? SLOW_ANSWER_MS;
  let health: PbxHealth = {
    mode: options.mode,
    reachable: null,
    lastOkAt: null,
    lastError: null,
    slow: false,
  };
  let lastCallAt = 0;
  // The last call connected but got no usable answer (HTTP error, garbage, reset, timeout). A TCP connect
  // proves nothing about that: only the next answered call clears it.
  let answerFailing = false;

  // A good answer after good answers only moves lastOkAt: that (every PBX call) is kept as a number, and
  // formatted when the health is read.
  let lastOkAtMs = 0;
  let lastOkAtPending = false;

  function withLastOkAt(): PbxHealth {
    if (!lastOkAtPending) return health;
    lastOkAtPending = false;
    return { ...health, lastOkAt: new Date(lastOkAtMs).toISOString() };
  }

  function update(reachable: boolean, error: string | null, slow: boolean) {
    const changed = health.reachable !== reachable || health.slow !== slow;
    if (!changed && reachable) {
      lastOkAtMs = Date.now();
      lastOkAtPending = true;
      return;
    }
    health = withLastOkAt();
    health = {
      ...health,
      reachable,
      lastOkAt: reachable ? new Date().toISOString() : health.lastOkAt,
      lastError: reachable ? null : error,
      slow,
    };
    if (changed) options.onChange(health);
  }

  return {
    current(): PbxHealth {
      health = withLastOkAt();
      return health;
    },
    /** Fed by the PBX client's onCall: any parsed answer, even a refusal, proves the PBX is there. */
    onCall(record: PbxCallRecord) {
      lastCallAt = Date.now();
      answerFailing = !record.reachable && !CONNECT_FAILURES.has(record.result);
      update(
        record.reachable,
        record.reachable ? null : failureSentence(record),
        record.reachable && record.durationMs > slowMs,
      );
    },
    /** Starts probing every `intervalMs` when no call was made in that time. Returns a stop function. */
    startProbe(baseUrl: string, intervalMs: number, timeoutMs: number): () => void {
      const url = new URL(baseUrl);
      const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
      const probe = () => {
        if (Date.now() - lastCallAt < intervalMs) return;
        const socket = connect({ host: url.hostname, port, timeout: timeoutMs });
        socket.once("connect", () => {
          socket.destroy();
          // A connect says nothing about a PBX that accepts connections but answers nonsense, or slowly.
          if (!answerFailing) update(true, null, health.slow === true);
        });
        socket.once("timeout", () => {
          socket.destroy();
          answerFailing = false;
          update(false, "The PBX did not accept a connection in time.", false);
        });
        socket.once("error", (error: NodeJS.ErrnoException) => {
          socket.destroy();
          answerFailing = false;
          update(false, `The PBX could not be reached (${error.code ?? "connection error"}).`, false);
        });
      };
      probe();
      const timer = setInterval(probe, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
