import { formatClock } from "../../lib/time.ts";
import { useConnectionState } from "./connection.ts";
import { useHealth } from "./health.ts";

const labels = {
  connecting: { text: "Connecting…", dot: "bg-slate-400" },
  live: { text: "Live", dot: "bg-emerald-500" },
  reconnecting: { text: "Reconnecting…", dot: "bg-amber-500 animate-pulse" },
} as const;

/** Whether live updates are flowing: "Live", or "Reconnecting…" while the stream is down. */
export function ConnectionIndicator() {
  const state = useConnectionState();
  const label = labels[state];
  return (
    <div
      role="status"
      aria-label={`Live updates: ${label.text}`}
      className="flex items-center gap-1.5 rounded-full bg-white/10 px-2.5 py-1 text-xs font-medium text-white"
    >
      <span className={`size-2 rounded-full ${label.dot}`} aria-hidden />
      <span>{label.text}</span>
    </div>
  );
}

/**
 * Shown while the server cannot reach the PBX (changes will fail until it is back), and, milder, while the
 * PBX answers but slowly (changes work, but take a while). The server's `lastError` is already a sentence.
 */
export function PbxHealthBanner() {
  const { data } = useHealth();
  if (!data) return null;
  const { reachable, slow, lastOkAt, lastError } = data.pbx;
  if (reachable === false) {
    return (
      <div role="alert" className="border-b border-red-300 bg-red-50 px-4 py-2 text-sm text-red-900">
        <strong className="font-semibold">The PBX cannot be reached.</strong> Changes to agents and queues
        will fail until it answers again.
        {lastError && <span> {lastError}</span>}
        {lastOkAt && <span> Its last answer came at {formatClock(lastOkAt)}.</span>}
      </div>
    );
  }
  if (slow === true) {
    return (
      <div role="status" className="border-b border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-950">
        <strong className="font-semibold">The PBX is slow.</strong> It answers, but slowly, so changes to
        agents and queues may take a while to show.
      </div>
    );
  }
  return null;
}
