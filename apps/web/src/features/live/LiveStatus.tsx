import { T, currentLanguage, useFormat, useT, type MessageKey } from "../../i18n/i18n.tsx";
import { API_LANGUAGE } from "../../lib/api.ts";
import { useNow } from "../../lib/now.ts";
import { useConnectionState } from "./connection.ts";
import { useHealth } from "./health.ts";

const labels = {
  connecting: { text: "live.connecting", dot: "bg-slate-400" },
  live: { text: "live.live", dot: "bg-emerald-500" },
  reconnecting: { text: "live.reconnecting", dot: "bg-amber-500 animate-pulse" },
} as const satisfies Record<string, { text: MessageKey; dot: string }>;

/** Whether live updates are flowing: "Live", or "Reconnecting…" while the stream is down. */
export function ConnectionIndicator() {
  const state = useConnectionState();
  const t = useT();
  const label = labels[state];
  return (
    <div
      role="status"
      aria-label={t("live.status", { state: t(label.text) })}
      className="flex items-center gap-1.5 rounded-full bg-white/10 px-2.5 py-1 text-xs font-medium text-white"
    >
      <span className={`size-2 rounded-full ${label.dot}`} aria-hidden />
      <span>{t(label.text)}</span>
    </div>
  );
}

/**
 * Shown while the server cannot reach the PBX (changes will fail until it is back), and, milder, while the
 * PBX answers but slowly (changes work, but take a while). The server's `lastError` is its own English
 * sentence about the transport, shown only in English; other languages get the banner's own words.
 */
export function PbxHealthBanner() {
  const { data } = useHealth();
  const t = useT();
  if (!data) return null;
  const { reachable, slow, lastOkAt, lastError } = data.pbx;
  if (reachable === false) {
    return (
      <div role="alert" className="border-b border-red-300 bg-red-50 px-4 py-2 text-sm text-red-900">
        <strong className="font-semibold">{t("live.pbxDown")}</strong> {t("live.pbxDownDetail")}
        {lastError && currentLanguage() === API_LANGUAGE && <span> {lastError}</span>}
        {lastOkAt && <LastAnswer at={lastOkAt} />}
      </div>
    );
  }
  if (slow === true) {
    return (
      <div role="status" className="border-b border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-950">
        <strong className="font-semibold">{t("live.pbxSlow")}</strong> {t("live.pbxSlowDetail")}
      </div>
    );
  }
  return null;
}

function LastAnswer({ at }: { at: string }) {
  const format = useFormat();
  const now = useNow();
  return (
    <span>
      {" "}
      <T
        k="live.lastAnswer"
        values={{ time: <time dateTime={at}>{format.clock(at)}</time>, ago: format.relative(at, now) }}
      />
    </span>
  );
}
