// The keyboard's way to assign: a menu of queues for one agent or a selection, and its current memberships
// to release.
import type { Agent, Queue } from "@crystal-console/api";
import { T, useT } from "../../i18n/i18n.tsx";
import { Dialog, buttonClass } from "../../lib/ui.tsx";

export function AssignDialog({
  agentIds,
  agentsById,
  queues,
  onAssign,
  onRelease,
  onClose,
}: {
  agentIds: string[] | null;
  agentsById: Map<string, Agent>;
  queues: Queue[];
  onAssign: (queueId: string, agentIds: string[]) => void;
  onRelease: (queueId: string, agentIds: string[]) => void;
  onClose: () => void;
}) {
  const agents = (agentIds ?? [])
    .map((id) => agentsById.get(id))
    .filter((agent): agent is Agent => Boolean(agent));
  const t = useT();
  const single = agents.length === 1 ? agents[0] : undefined;
  const title = single ? (
    <T k="assign.titleOne" values={{ name: <bdi>{single.name}</bdi> }} />
  ) : (
    t("assign.titleMany", { count: agents.length })
  );
  const sorted = [...queues].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <Dialog open={agentIds !== null} onClose={onClose} title={title}>
      {sorted.length === 0 ? (
        <p className="text-sm text-slate-600">{t("assign.noQueues")}</p>
      ) : (
        <ul aria-label={t("assign.queues")} className="max-h-[60dvh] space-y-1.5 overflow-y-auto">
          {sorted.map((queue) => {
            const members = agents.filter((agent) => agent.queueIds.includes(queue.id));
            const allMembers = members.length === agents.length && agents.length > 0;
            return (
              <li
                key={queue.id}
                className="flex items-center gap-2 rounded-lg border border-slate-200 px-3 py-2"
              >
                <span className="min-w-0 flex-1">
                  <bdi className="block truncate text-sm font-medium">{queue.name}</bdi>
                  <span className="text-xs text-slate-600">
                    <bdi dir="ltr">#{queue.id}</bdi>
                    {single
                      ? allMembers
                        ? ` · ${t("assign.member")}`
                        : ""
                      : ` · ${t("assign.membersOf", { members: members.length, count: agents.length })}`}
                  </span>
                </span>
                {members.length > 0 && (
                  <button
                    type="button"
                    className={buttonClass("secondary", "sm")}
                    onClick={() => {
                      onRelease(
                        queue.id,
                        members.map((agent) => agent.id),
                      );
                      onClose();
                    }}
                  >
                    <T k="assign.removeFrom" values={{ queue: <bdi>{queue.name}</bdi> }} />
                  </button>
                )}
                {!allMembers && (
                  <button
                    type="button"
                    className={buttonClass("primary", "sm")}
                    onClick={() => {
                      onAssign(
                        queue.id,
                        agents.map((agent) => agent.id),
                      );
                      onClose();
                    }}
                  >
                    <T k="assign.assignTo" values={{ queue: <bdi>{queue.name}</bdi> }} />
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </Dialog>
  );
}
