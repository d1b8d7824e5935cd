// The header's alerts: how many pauses are overdue and queues short (for everyone who watches the board),
// and this browser's opt-in sound and desktop notification when an alert starts.
import type { Agent, Alert, Queue } from "@crystal-console/api";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState, useSyncExternalStore } from "react";
import { Link } from "react-router";
import { useFormat, useT } from "../../i18n/i18n.tsx";
import { agentKeys } from "../agents/queries.ts";
import { pauseReasonText } from "../agents/state.tsx";
import { queueKeys } from "../queues/queries.ts";
import { alertIndex, onAlertStarted, useAlerts } from "./queries.ts";

export function AlertCount() {
  const alerts = useAlerts();
  const t = useT();
  const { overdue, short } = alertIndex(alerts.data);
  const count = overdue.size + short.size;
  return (
    <Link
      to="/board"
      className={`rounded-md px-2 py-1 text-sm font-medium whitespace-nowrap ${count > 0 ? "bg-red-600 text-white" : "text-slate-300 hover:bg-white/10"}`}
      title={t("alerts.breakdown", { overdue: overdue.size, short: short.size })}
      aria-live="polite"
    >
      {t("alerts.count", { count })}
    </Link>
  );
}

// ---------------------------------------------------------------- opt-in per browser

type Setting = "sound" | "desktop";
const storageKey = (setting: Setting) => `crystal-console.alerts.${setting}`;
const settingListeners = new Set<() => void>();

function readSetting(setting: Setting): boolean {
  try {
    return window.localStorage.getItem(storageKey(setting)) === "on";
  } catch {
    return false;
  }
}

function writeSetting(setting: Setting, on: boolean): void {
  try {
    if (on) window.localStorage.setItem(storageKey(setting), "on");
    else window.localStorage.removeItem(storageKey(setting));
  } catch {
    // Storage refused (private mode): the choice lasts until the page closes.
  }
  for (const listener of settingListeners) listener();
}

function useSetting(setting: Setting): boolean {
  return useSyncExternalStore(
    (listener) => {
      settingListeners.add(listener);
      return () => settingListeners.delete(listener);
    },
    () => readSetting(setting),
  );
}

/** A short two-tone chime, made by the browser (no sound file to load). */
function chime(): void {
  const context = new AudioContext();
  const gain = context.createGain();
  gain.connect(context.destination);
  gain.gain.setValueAtTime(0.2, context.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.001, context.currentTime + 0.6);
  [880, 660].forEach((frequency, index) => {
    const tone = context.createOscillator();
    tone.frequency.value = frequency;
    tone.connect(gain);
    tone.start(context.currentTime + index * 0.2);
    tone.stop(context.currentTime + index * 0.2 + 0.2);
  });
  window.setTimeout(() => void context.close(), 1000);
}

/** Plays the sound and shows the notification this browser opted into, for each alert that starts. */
export function useAlertNotifications(): void {
  const sound = useSetting("sound");
  const desktop = useSetting("desktop");
  const queryClient = useQueryClient();
  const format = useFormat();
  const t = useT();
  useEffect(() => {
    if (!sound && !desktop) return;
    const describe = (alert: Alert): string => {
      if (alert.kind === "pause_overdue") {
        const agents = queryClient.getQueryData<Agent[]>(agentKeys.list());
        const name = agents?.find((agent) => agent.id === alert.agentId)?.name ?? alert.agentId;
        const limit = format.durationLong(alert.limitSeconds * 1000);
        if (alert.reason === null) return t("policy.noReason.overdue", { name, limit });
        return t("alerts.pauseOverdue", { name, reason: pauseReasonText(t, alert.reason), limit });
      }
      const queues = queryClient.getQueryData<Queue[]>(queueKeys.list());
      const name = queues?.find((queue) => queue.id === alert.queueId)?.name ?? alert.queueId;
      return t("alerts.queueShort", { name, online: alert.online, minimum: alert.minimum });
    };
    return onAlertStarted((alert) => {
      if (sound) chime();
      if (desktop && "Notification" in window && Notification.permission === "granted") {
        new Notification(t("alerts.notificationTitle"), { body: describe(alert) });
      }
    });
  }, [sound, desktop, queryClient, format, t]);
}

export function AlertNotificationSettings() {
  const t = useT();
  const id = useId();
  const sound = useSetting("sound");
  const desktop = useSetting("desktop");
  const [denied, setDenied] = useState(false);
  const canNotify = "Notification" in window;

  async function setDesktop(on: boolean) {
    setDenied(false);
    if (on && canNotify && Notification.permission !== "granted") {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") {
        setDenied(true);
        return;
      }
    }
    writeSetting("desktop", on);
  }

  return (
    <details className="relative text-sm">
      <summary className="cursor-pointer rounded-md px-2 py-1 text-slate-200 hover:bg-white/10">
        {t("alerts.notifySettings")}
      </summary>
      <div
        id={id}
        className="absolute end-0 z-20 mt-1 w-64 space-y-2 rounded-lg bg-white p-3 text-slate-900 shadow-xl ring-1 ring-slate-200"
      >
        <p className="text-xs text-slate-600">{t("alerts.notifyIntro")}</p>
        <label className="flex items-center gap-2">
          <input
            type="checkbox"
            checked={sound}
            onChange={(event) => writeSetting("sound", event.target.checked)}
            className="size-4 accent-cyan-700"
          />
          {t("alerts.sound")}
        </label>
        <label className="flex items-center gap-2">
          <input
            type="checkbox"
            checked={desktop}
            disabled={!canNotify}
            onChange={(event) => void setDesktop(event.target.checked)}
            className="size-4 accent-cyan-700"
          />
          {t("alerts.desktop")}
        </label>
        {denied && <p className="text-xs text-red-800">{t("alerts.desktopDenied")}</p>}
      </div>
    </details>
  );
}
