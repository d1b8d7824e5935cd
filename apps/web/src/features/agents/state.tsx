// An agent's state as people read it: the pill with its ticking time-in-state, and the five state buttons.
import type { Agent, AgentStateAction, AgentStatus } from "@crystal-console/api";
import { memo } from "react";
import { useNow } from "../../lib/now.ts";
import { formatClock, formatDuration } from "../../lib/time.ts";

export const stateLabels: Record<AgentStatus, string> = {
  online: "Online",
  paused: "Paused",
  mission: "Mission",
  logged_off: "Logged off",
};

export const stateOrder: AgentStatus[] = ["online", "paused", "mission", "logged_off"];

export const stateStyles: Record<AgentStatus, { pill: string; dot: string }> = {
  online: { pill: "bg-emerald-100 text-emerald-900 ring-emerald-300", dot: "bg-emerald-600" },
  paused: { pill: "bg-amber-100 text-amber-900 ring-amber-300", dot: "bg-amber-500" },
  mission: { pill: "bg-violet-100 text-violet-900 ring-violet-300", dot: "bg-violet-600" },
  logged_off: { pill: "bg-slate-100 text-slate-700 ring-slate-300", dot: "bg-slate-400" },
};

/** The buttons, in the order they are shown, with their exact names. */
export const actionLabels: Record<AgentStateAction, string> = {
  login: "Log in",
  pause: "Pause",
  online: "Online",
  mission: "Mission",
  logoff: "Log off",
};
export const actionOrder: AgentStateAction[] = ["login", "pause", "online", "mission", "logoff"];

/** Which commands make sense from each state; the others are disabled. */
export const allowedActions: Record<AgentStatus, readonly AgentStateAction[]> = {
  logged_off: ["login"],
  online: ["pause", "mission", "logoff"],
  paused: ["online", "mission", "logoff"],
  mission: ["online", "pause", "logoff"],
};

export function TimeInState({ since }: { since: string }) {
  const now = useNow();
  const started = Date.parse(since);
  if (Number.isNaN(started)) return null;
  return (
    <time dateTime={since} title={`Since ${formatClock(since)}`} className="tabular-nums">
      {formatDuration(now - started)}
    </time>
  );
}

export function StatePill({ agent, showTime = true }: { agent: Agent; showTime?: boolean }) {
  const style = stateStyles[agent.status];
  return (
    <span className="inline-flex flex-wrap items-center gap-1.5">
      <span
        className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${style.pill}`}
      >
        <span className={`size-1.5 rounded-full ${style.dot}`} aria-hidden />
        {stateLabels[agent.status]}
        {showTime && (
          <span className="text-[0.7rem] font-normal opacity-90">
            <span className="sr-only">for </span>
            <TimeInState since={agent.statusSince} />
          </span>
        )}
      </span>
      {!agent.confirmed && (
        <span
          className="rounded-full bg-orange-100 px-1.5 py-0.5 text-[0.7rem] font-medium text-orange-900 ring-1 ring-orange-300 ring-inset"
          title="The PBX's answer to the last change is not known yet"
        >
          unconfirmed
        </span>
      )}
    </span>
  );
}

export const StateButtons = memo(function StateButtons({
  agent,
  onCommand,
  size = "sm",
}: {
  agent: Agent;
  onCommand: (agent: Agent, action: AgentStateAction) => void;
  size?: "sm" | "lg";
}) {
  const allowed = allowedActions[agent.status];
  const sizeClass =
    size === "lg" ? "min-h-14 px-4 py-3 text-base font-semibold rounded-xl" : "px-2 py-1 text-xs rounded-md";
  return (
    <>
      {actionOrder.map((action) => {
        const enabled = allowed.includes(action);
        return (
          <button
            key={action}
            type="button"
            disabled={!enabled}
            onClick={() => onCommand(agent, action)}
            className={`${sizeClass} border font-medium whitespace-nowrap transition-colors focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-cyan-600 disabled:cursor-not-allowed disabled:border-slate-200 disabled:bg-slate-50 disabled:text-slate-400 ${actionTone[action]}`}
          >
            {actionLabels[action]}
          </button>
        );
      })}
    </>
  );
});

const actionTone: Record<AgentStateAction, string> = {
  login: "border-cyan-700 bg-cyan-700 text-white hover:bg-cyan-800",
  pause: "border-amber-400 bg-amber-50 text-amber-900 hover:bg-amber-100",
  online: "border-emerald-500 bg-emerald-50 text-emerald-900 hover:bg-emerald-100",
  mission: "border-violet-400 bg-violet-50 text-violet-900 hover:bg-violet-100",
  logoff: "border-slate-400 bg-white text-slate-800 hover:bg-slate-100",
};
