// The wallboard: a read-only full screen for a TV on the wall, live over the event stream. Queues with how
// many agents are in each state, the pauses over their limit, the short queues and the longest pauses, in
// large type on a dark theme, readable from across a room at 1920x1080 and 1280x720. Nothing on it
// changes anything: it has no buttons, no links and no fields.
import type { Agent, AgentStatus, Queue } from "@crystal-console/api";
import { useMemo, type ReactNode } from "react";
import { useFormat, useT } from "../../i18n/i18n.tsx";
import { useNow } from "../../lib/now.ts";
import { Spinner, useDocumentTitle } from "../../lib/ui.tsx";
import { alertIndex, useAlerts } from "../alerts/queries.ts";
import { useAgents } from "../agents/queries.ts";
import { PauseReason, stateLabels, stateOrder } from "../agents/state.tsx";
import { ConnectionIndicator } from "../live/LiveStatus.tsx";
import { useQueues } from "../queues/queries.ts";

/** Longest pauses shown: what fits beside the alerts on a 720-line screen. */
const LONGEST_SHOWN = 6;
const ALERTS_SHOWN = 6;

const stateTone: Record<AgentStatus, string> = {
  online: "text-emerald-300",
  paused: "text-amber-300",
  mission: "text-sky-300",
  logged_off: "text-slate-400",
};

export default function WallboardPage() {
  const agents = useAgents();
  const queues = useQueues();
  const alerts = useAlerts();
  const t = useT();
  useDocumentTitle(t("wallboard.title"));
  return (
    <div className="flex h-dvh flex-col gap-4 overflow-hidden bg-slate-950 p-4 text-slate-50 2xl:gap-6 2xl:p-8">
      <Header />
      {agents.isPending || queues.isPending ? (
        <Spinner label={t("wallboard.loading")} />
      ) : agents.isError || queues.isError ? (
        <p role="alert" className="text-3xl text-red-300">
          {t("wallboard.loadFailed")}
        </p>
      ) : (
        <Board agents={agents.data} queues={queues.data} alerts={alertIndex(alerts.data)} />
      )}
    </div>
  );
}

function Header() {
  const t = useT();
  const now = useNow();
  const format = useFormat();
  return (
    <header className="flex items-center justify-between gap-4">
      <h1 className="text-3xl font-bold 2xl:text-5xl">{t("wallboard.title")}</h1>
      <div className="flex items-center gap-4">
        <ConnectionIndicator />
        <time
          dateTime={new Date(now).toISOString()}
          className="text-3xl font-semibold tabular-nums 2xl:text-5xl"
        >
          {format.clock(new Date(now).toISOString())}
        </time>
      </div>
    </header>
  );
}

function Board({
  agents,
  queues,
  alerts,
}: {
  agents: Agent[];
  queues: Queue[];
  alerts: ReturnType<typeof alertIndex>;
}) {
  const t = useT();
  const agentsById = useMemo(() => new Map(agents.map((agent) => [agent.id, agent])), [agents]);
  const sortedQueues = useMemo(
    () => [...queues].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id)),
    [queues],
  );
  const longest = useMemo(
    () =>
      agents
        .filter((agent) => agent.status === "paused")
        .sort((a, b) => a.statusSince.localeCompare(b.statusSince))
        .slice(0, LONGEST_SHOWN),
    [agents],
  );
  const overdue = [...alerts.overdue.values()].sort((a, b) => a.since.localeCompare(b.since));
  const short = [...alerts.short.values()].sort((a, b) => a.since.localeCompare(b.since));
  const queueName = (id: string) => queues.find((queue) => queue.id === id)?.name ?? id;

  return (
    <main className="grid min-h-0 flex-1 grid-cols-[2fr_1fr] gap-4 2xl:gap-6">
      <section aria-labelledby="wallboard-queues" className="min-h-0 overflow-hidden p-1">
        <h2 id="wallboard-queues" className="sr-only">
          {t("wallboard.queues")}
        </h2>
        {sortedQueues.length === 0 ? (
          <p className="text-2xl text-slate-300">{t("wallboard.noQueues")}</p>
        ) : (
          <ul className="grid grid-cols-[repeat(auto-fill,minmax(17rem,1fr))] gap-3 2xl:gap-4">
            {sortedQueues.map((queue) => (
              <QueueTile
                key={queue.id}
                queue={queue}
                agentsById={agentsById}
                short={alerts.short.get(queue.id)?.minimum}
              />
            ))}
          </ul>
        )}
      </section>
      <div className="flex min-h-0 flex-col gap-4 overflow-hidden p-1 2xl:gap-6">
        <Panel
          id="wallboard-overdue"
          title={t("wallboard.overdue", { count: overdue.length })}
          alarm={overdue.length > 0}
          empty={overdue.length === 0 ? t("wallboard.noneOverdue") : null}
        >
          {overdue.slice(0, ALERTS_SHOWN).map((alert) => {
            const agent = agentsById.get(alert.agentId);
            return (
              <Line
                key={alert.agentId}
                name={agent?.name ?? alert.agentId}
                detail={<PauseReason reason={alert.reason} />}
                value={<Elapsed since={agent?.statusSince ?? alert.since} />}
                tone="text-red-300"
              />
            );
          })}
        </Panel>
        <Panel
          id="wallboard-short"
          title={t("wallboard.short", { count: short.length })}
          alarm={short.length > 0}
          empty={short.length === 0 ? t("wallboard.noneShort") : null}
        >
          {short.slice(0, ALERTS_SHOWN).map((alert) => (
            <Line
              key={alert.queueId}
              name={queueName(alert.queueId)}
              detail={t("wallboard.onlineOf", { online: alert.online, minimum: alert.minimum })}
              value={null}
              tone="text-red-300"
            />
          ))}
        </Panel>
        <Panel
          id="wallboard-longest"
          title={t("wallboard.longest")}
          alarm={false}
          empty={longest.length === 0 ? t("wallboard.noPauses") : null}
        >
          {longest.map((agent) => (
            <Line
              key={agent.id}
              name={agent.name}
              detail={
                agent.pauseReason ? <PauseReason reason={agent.pauseReason} /> : t("wallboard.noReason")
              }
              value={<Elapsed since={agent.statusSince} />}
              tone={alerts.overdue.has(agent.id) ? "text-red-300" : "text-amber-300"}
            />
          ))}
        </Panel>
      </div>
    </main>
  );
}

function QueueTile({
  queue,
  agentsById,
  short,
}: {
  queue: Queue;
  agentsById: Map<string, Agent>;
  short: number | undefined;
}) {
  const t = useT();
  const counts: Record<AgentStatus, number> = { online: 0, paused: 0, mission: 0, logged_off: 0 };
  for (const id of queue.agentIds) {
    const agent = agentsById.get(id);
    if (agent) counts[agent.status] += 1;
  }
  return (
    <li
      className={`rounded-2xl p-4 ring-2 ${short === undefined ? "bg-slate-900 ring-slate-700" : "bg-red-950 ring-red-500"}`}
    >
      <h3 className="truncate text-2xl font-semibold 2xl:text-3xl" title={queue.name}>
        <bdi>{queue.name}</bdi>
      </h3>
      {short !== undefined && (
        <p className="text-lg font-semibold text-red-200">{t("wallboard.queueShort", { minimum: short })}</p>
      )}
      <dl className="mt-2 grid grid-cols-2 gap-x-4 gap-y-1">
        {stateOrder.map((status) => (
          <div key={status} className="flex items-baseline justify-between gap-2">
            <dt className="text-lg text-slate-300">{t(stateLabels[status])}</dt>
            <dd className={`text-3xl font-bold tabular-nums 2xl:text-4xl ${stateTone[status]}`}>
              {counts[status]}
            </dd>
          </div>
        ))}
      </dl>
    </li>
  );
}

function Panel({
  id,
  title,
  alarm,
  empty,
  children,
}: {
  id: string;
  title: string;
  alarm: boolean;
  /** Shown instead of the list when it has nothing. */
  empty: string | null;
  children: ReactNode;
}) {
  return (
    <section
      aria-labelledby={id}
      className={`min-h-0 rounded-2xl p-4 ring-2 ${alarm ? "bg-red-950 ring-red-500" : "bg-slate-900 ring-slate-700"}`}
    >
      <h2 id={id} className="mb-2 text-2xl font-semibold 2xl:text-3xl">
        {title}
      </h2>
      {empty === null ? (
        <ul className="space-y-1">{children}</ul>
      ) : (
        <p className="text-xl text-slate-400">{empty}</p>
      )}
    </section>
  );
}

function Line({
  name,
  detail,
  value,
  tone,
}: {
  name: string;
  detail: ReactNode;
  value: ReactNode;
  tone: string;
}) {
  return (
    <li className="flex items-baseline justify-between gap-3 text-xl 2xl:text-2xl">
      <span className="min-w-0 truncate">
        <bdi className="font-semibold">{name}</bdi> <span className="text-slate-300">{detail}</span>
      </span>
      {value !== null && <span className={`shrink-0 font-bold tabular-nums ${tone}`}>{value}</span>}
    </li>
  );
}

function Elapsed({ since }: { since: string }) {
  const now = useNow();
  const format = useFormat();
  return <time dateTime={since}>{format.duration(now - Date.parse(since))}</time>;
}
