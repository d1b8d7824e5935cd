// The agent's own page, made for a phone: its state in large type, the time since the last change, and
// large buttons. It shows nothing about other agents.
import type { AgentStateAction } from "@crystal-console/api";
import { useQueues } from "../queues/queries.ts";
import { useCurrentUser } from "../session/queries.ts";
import { T, useFormat, useT } from "../../i18n/i18n.tsx";
import { LocalizedError } from "../../lib/api.ts";
import { ErrorNotice, Spinner, useDocumentTitle } from "../../lib/ui.tsx";
import { useAgent } from "./queries.ts";
import {
  PauseReason,
  StatePill,
  TimeInState,
  actionLabels,
  allowedActions,
  stateLabels,
  stateStyles,
} from "./state.tsx";
import { LoginForm, useStateCommands } from "./StateDialogs.tsx";

const loggedInActions: AgentStateAction[] = ["online", "pause", "mission", "logoff"];

const bigTone: Record<AgentStateAction, string> = {
  login: "bg-cyan-700 text-white",
  online: "bg-emerald-700 text-white hover:bg-emerald-800",
  pause: "bg-amber-400 text-amber-950 hover:bg-amber-500",
  mission: "bg-violet-600 text-white hover:bg-violet-700",
  logoff: "bg-slate-700 text-white hover:bg-slate-800",
};

export default function MePage() {
  const user = useCurrentUser();
  const agent = useAgent(user.agentId);
  const queues = useQueues();
  const { command, dialogs } = useStateCommands({ by: user.username, rememberLogin: true });
  const t = useT();
  const format = useFormat();
  useDocumentTitle(t("me.title"));

  if (!user.agentId)
    return <ErrorNotice title={t("me.forAgents")} error={new LocalizedError("me.signInAsAgent")} />;
  if (agent.isPending) return <Spinner label={t("me.loading")} />;
  if (agent.isError) return <ErrorNotice title={t("me.loadFailed")} error={agent.error} />;
  const me = agent.data;
  if (!me) {
    return <ErrorNotice title={t("me.notFound")} error={new LocalizedError("me.askSupervisor")} />;
  }
  const myQueues = (queues.data ?? [])
    .filter((queue) => me.queueIds.includes(queue.id))
    .map((queue) => queue.name);
  const allowed = allowedActions[me.status];

  return (
    <main className="mx-auto w-full max-w-md space-y-4 p-3 sm:p-6">
      <section
        aria-labelledby="me-heading"
        className="rounded-2xl bg-white p-5 shadow-sm ring-1 ring-slate-200"
      >
        <h1 id="me-heading" className="text-lg font-semibold">
          <bdi>{me.name}</bdi>
        </h1>
        <p className="text-sm text-slate-600">
          <T k="me.agentId" values={{ id: <bdi dir="ltr">{me.id}</bdi> }} />
        </p>
        <div
          role="status"
          aria-label={t("me.yourState")}
          className={`mt-4 rounded-xl px-4 py-4 ring-1 ring-inset ${stateStyles[me.status].pill}`}
        >
          <p className="text-sm">{t("me.youAre")}</p>
          <p className="text-3xl font-bold">{t(stateLabels[me.status])}</p>
          <p className="mt-1 text-sm">
            <T
              k="me.forSince"
              values={{
                duration: <TimeInState since={me.statusSince} />,
                time: format.clock(me.statusSince),
              }}
            />
          </p>
          {me.extension && (
            <p className="mt-1 text-sm">
              <T k="me.atExtension" values={{ extension: <bdi dir="ltr">{me.extension}</bdi> }} />
            </p>
          )}
          {me.status === "paused" && me.pauseReason && (
            <p className="mt-1 text-sm">
              <T k="me.reason" values={{ reason: <PauseReason reason={me.pauseReason} /> }} />
            </p>
          )}
        </div>
        {!me.confirmed && (
          <p className="mt-3 rounded-lg bg-orange-50 px-3 py-2 text-sm text-orange-900">
            <StatePill agent={me} showTime={false} /> {t("me.unconfirmed")}
          </p>
        )}
      </section>

      <section
        aria-label={t("me.changeState")}
        className="rounded-2xl bg-white p-5 shadow-sm ring-1 ring-slate-200"
      >
        {me.status === "logged_off" ? (
          <LoginForm agent={me} by={user.username} remember large />
        ) : (
          <div className="grid grid-cols-2 gap-3">
            {loggedInActions.map((action) => (
              <button
                key={action}
                type="button"
                disabled={!allowed.includes(action)}
                onClick={() => command(me, action)}
                className={`min-h-16 rounded-xl px-4 py-4 text-lg font-semibold transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-cyan-600 disabled:cursor-not-allowed disabled:bg-slate-100 disabled:text-slate-500 ${bigTone[action]}`}
              >
                {t(actionLabels[action])}
              </button>
            ))}
          </div>
        )}
      </section>

      {myQueues.length > 0 && (
        <section
          aria-labelledby="my-queues"
          className="rounded-2xl bg-white p-5 shadow-sm ring-1 ring-slate-200"
        >
          <h2 id="my-queues" className="text-sm font-semibold">
            {t("me.myQueues")}
          </h2>
          <ul className="mt-2 flex flex-wrap gap-2">
            {myQueues.map((name) => (
              <li key={name} className="rounded-full bg-slate-100 px-3 py-1 text-sm">
                <bdi>{name}</bdi>
              </li>
            ))}
          </ul>
        </section>
      )}
      {dialogs}
    </main>
  );
}
