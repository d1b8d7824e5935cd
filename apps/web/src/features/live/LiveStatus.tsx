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

/** Shown while the server cannot reach the PBX: changes will fail until it is back. */
export function PbxHealthBanner() {
  const { data } = useHealth();
  if (data?.pbx.reachable !== false) return null;
  const { lastOkAt, lastError } = data.pbx;
  return (
    <div role="alert" className="border-b border-red-300 bg-red-50 px-4 py-2 text-sm text-red-900">
      <strong className="font-semibold">The PBX cannot be reached.</strong> Changes to agents and queues will
      fail until it answers again.
      {lastError && <span> {/[.!?]$/.test(lastError) ? lastError : `${lastError}.`}</span>}
      {lastOkAt && <span> Last answer at {formatClock(lastOkAt)}.</span>}
    </div>
  );
}
