// An agent's state as people read it: the pill with its ticking time-in-state, and the five state buttons.
import type { Agent, AgentStateAction, AgentStatus } from "@crystal-console/api";
import { memo } from "react";
import { hasMessage, useFormat, useT, type MessageKey } from "../../i18n/i18n.tsx";
import { useNow } from "../../lib/now.ts";

/** Each state's name (the catalog's key): "Online", "Paused"... */
export const stateLabels: Record<AgentStatus, MessageKey> = {
  online: "state.online",
  paused: "state.paused",
  mission: "state.mission",
  logged_off: "state.logged_off",
};

/** "3 online", "2 paused"...: how many agents are in each state. */
export const stateCounts: Record<AgentStatus, MessageKey> = {
  online: "stateCount.online",
  paused: "stateCount.paused",
  mission: "stateCount.mission",
  logged_off: "stateCount.logged_off",
};

export const stateOrder: AgentStatus[] = ["online", "paused", "mission", "logged_off"];

export const stateStyles: Record<AgentStatus, { pill: string; dot: string }> = {
  online: { pill: "bg-emerald-100 text-emerald-900 ring-emerald-300", dot: "bg-emerald-600" },
  paused: { pill: "bg-amber-100 text-amber-900 ring-amber-300", dot: "bg-amber-500" },
  mission: { pill: "bg-violet-100 text-violet-900 ring-violet-300", dot: "bg-violet-600" },
  logged_off: { pill: "bg-slate-100 text-slate-700 ring-slate-300", dot: "bg-slate-400" },
};

/** The buttons, in the order they are shown, with their exact names. */
export const actionLabels: Record<AgentStateAction, MessageKey> = {
  login: "action.login",
  pause: "action.pause",
  online: "action.online",
  mission: "action.mission",
  logoff: "action.logoff",
};
export const actionOrder: AgentStateAction[] = ["login", "pause", "online", "mission", "logoff"];

/** Which commands make sense from each state; the others are disabled. */
export const allowedActions: Record<AgentStatus, readonly AgentStateAction[]> = {
  logged_off: ["login"],
  online: ["pause", "mission", "logoff"],
  paused: ["online", "mission", "logoff"],
  mission: ["online", "pause", "logoff"],
};

/**
 * A pause reason: the configured reasons are the call centre's words (PAUSE_REASONS), stored as they are;
 * the default ones (Break, Lunch...) have a translation in the catalogs, any other is shown verbatim.
 */
export function PauseReason({ reason }: { reason: string | null }) {
  const t = useT();
  return <bdi>{pauseReasonText(t, reason)}</bdi>;
}

/** A pause reason as plain text (for a title attribute), translated as PauseReason does; null: none given. */
export function pauseReasonText(t: (key: MessageKey) => string, reason: string | null): string {
  if (reason === null) return t("policy.noReason.reason");
  const key = `pauseReason.${reason}`;
  return hasMessage(key) ? t(key) : reason;
}

export function TimeInState({ since }: { since: string }) {
  const now = useNow();
  const format = useFormat();
  const t = useT();
  const started = Date.parse(since);
  if (Number.isNaN(started)) return null;
  return (
    <time
      dateTime={since}
      title={t("state.since", { duration: format.durationLong(now - started), time: format.clock(since) })}
      className="tabular-nums"
    >
      {format.duration(now - started)}
    </time>
  );
}

export function StatePill({ agent, showTime = true }: { agent: Agent; showTime?: boolean }) {
  const style = stateStyles[agent.status];
  const t = useT();
  return (
    <span className="inline-flex flex-wrap items-center gap-1.5">
      <span
        className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${style.pill}`}
      >
        <span className={`size-1.5 rounded-full ${style.dot}`} aria-hidden />
        {t(stateLabels[agent.status])}
        {showTime && (
          <span className="text-[0.7rem] font-normal opacity-90">
            <span className="sr-only">{t("state.for")} </span>
            <TimeInState since={agent.statusSince} />
          </span>
        )}
      </span>
      {!agent.confirmed && (
        <span
          className="rounded-full bg-orange-100 px-1.5 py-0.5 text-[0.7rem] font-medium text-orange-900 ring-1 ring-orange-300 ring-inset"
          title={t("state.unconfirmedTitle")}
        >
          {t("state.unconfirmed")}
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
  const t = useT();
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
            {t(actionLabels[action])}
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
