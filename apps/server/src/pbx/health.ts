// The PBX's health, from the outcomes of recent calls and, when no call was made lately, a TCP connect to
// the PBX's port. It never sends a PBX command to find out: every PBX command changes state.
import { connect } from "node:net";
import type { PbxHealth } from "@crystal-console/api";
import type { PbxCallRecord } from "@crystal-console/crystal";

export type HealthTracker = ReturnType<typeof createHealthTracker>;

export function createHealthTracker(options: {
  mode: PbxHealth["mode"];
  onChange: (health: PbxHealth) => void;
}) {
  let health: PbxHealth = { mode: options.mode, reachable: null, lastOkAt: null, lastError: null };
  let lastCallAt = 0;

  function update(reachable: boolean, error: string | null) {
    const changed = health.reachable !== reachable;
    health = {
      ...health,
      reachable,
      lastOkAt: reachable ? new Date().toISOString() : health.lastOkAt,
      lastError: reachable ? null : error,
    };
    if (changed) options.onChange(health);
  }

  return {
    current: (): PbxHealth => health,
    /** Fed by the PBX client's onCall: any parsed answer, even a refusal, proves the PBX is there. */
    onCall(record: PbxCallRecord) {
      lastCallAt = Date.now();
      update(
        record.reachable,
        record.reachable ? null : `The last ${record.action} call failed: ${record.result}`,
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
          update(true, null);
        });
        socket.once("timeout", () => {
          socket.destroy();
          update(false, "The PBX did not accept a connection in time.");
        });
        socket.once("error", (error: NodeJS.ErrnoException) => {
          socket.destroy();
          update(false, `The PBX could not be reached (${error.code ?? "connection error"}).`);
        });
      };
      probe();
      const timer = setInterval(probe, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
