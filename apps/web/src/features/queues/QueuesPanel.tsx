// The board's queues: each one a drop target with its members and how many are in each state.
import type { Agent, Alert, Queue } from "@crystal-console/api";
import { useDraggable, useDroppable } from "@dnd-kit/core";
import { memo, useCallback, useId, useState } from "react";
import { T, useT } from "../../i18n/i18n.tsx";
import { stateCounts, stateOrder, stateStyles } from "../agents/state.tsx";
import type { DragData, DropData } from "./dnd.ts";

const MEMBERS_SHOWN = 12;

/** A member list's name order, as ids with the names it was sorted by. */
const nameOrders = new WeakMap<readonly string[], { ids: string[]; names: string[] }>();

/**
 * A queue's members in name order. Every live event re-renders the queue cards, and sorting a thousand
 * members by name each time was most of the board's work, so the order is kept per member list and sorted
 * again only when a member's name changed.
 */
export function membersByName(queue: Queue, agentsById: Map<string, Agent>): Agent[] {
  const kept = nameOrders.get(queue.agentIds);
  if (kept) {
    const members = kept.ids.map((id) => agentsById.get(id));
    if (members.every((agent, index) => agent?.name === kept.names[index])) return members as Agent[];
  }
  const members = queue.agentIds
    .map((id) => agentsById.get(id))
    .filter((agent): agent is Agent => agent !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name));
  // Members the board does not know yet leave the order unkept, so that it is sorted again when they come.
  if (members.length === queue.agentIds.length) {
    nameOrders.set(queue.agentIds, {
      ids: members.map((agent) => agent.id),
      names: members.map((agent) => agent.name),
    });
  }
  return members;
}

export function QueuesPanel({
  queues,
  agentsById,
  onRelease,
  dragging,
  readOnly,
  short,
}: {
  queues: Queue[];
  agentsById: Map<string, Agent>;
  onRelease: (queueId: string, agentIds: string[]) => void;
  dragging: DragData | null;
  /** A viewer's board: members are shown, neither dragged nor removed. */
  readOnly: boolean;
  /** Queues with fewer agents online than their minimum. */
  short: ReadonlyMap<string, Extract<Alert, { kind: "queue_understaffed" }>>;
}) {
  const sorted = [...queues].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  const t = useT();
  return (
    <aside
      aria-labelledby="queues-heading"
      className="flex min-h-0 flex-col rounded-xl bg-white shadow-sm ring-1 ring-slate-200 lg:w-72 2xl:w-96"
    >
      <div className="border-b border-slate-200 px-4 py-3">
        <h2 id="queues-heading" className="font-semibold">
          {t("queues.heading")}{" "}
          <span className="text-sm font-normal text-slate-600">
            {t("board.count", { count: queues.length })}
          </span>
        </h2>
        {!readOnly && (
          <p className="text-xs text-slate-600">
            {dragging?.kind === "member" ? t("queues.dropHint") : t("queues.dragHint")}
          </p>
        )}
      </div>
      {sorted.length === 0 ? (
        <p className="p-4 text-sm text-slate-600">{t("queues.none")}</p>
      ) : (
        <ul className="min-h-0 flex-1 space-y-3 overflow-y-auto p-3">
          {sorted.map((queue) => (
            <QueueCard
              key={queue.id}
              queue={queue}
              agentsById={agentsById}
              onRelease={onRelease}
              dragging={dragging}
              readOnly={readOnly}
              short={short.get(queue.id)}
            />
          ))}
        </ul>
      )}
    </aside>
  );
}

const QueueCard = memo(function QueueCard({
  queue,
  agentsById,
  onRelease,
  dragging,
  readOnly,
  short,
}: {
  queue: Queue;
  agentsById: Map<string, Agent>;
  onRelease: (queueId: string, agentIds: string[]) => void;
  dragging: DragData | null;
  readOnly: boolean;
  short: Extract<Alert, { kind: "queue_understaffed" }> | undefined;
}) {
  const headingId = useId();
  const t = useT();
  const [showAll, setShowAll] = useState(false);
  // The card re-renders on every live event (its counts); a new onClick would give the button a new handler.
  const toggleShowAll = useCallback(() => setShowAll((value) => !value), []);
  const data: DropData = { kind: "queue", queueId: queue.id, label: t("dnd.queue", { name: queue.name }) };
  const { setNodeRef, isOver } = useDroppable({ id: `queue:${queue.id}`, data, disabled: readOnly });
  const members = membersByName(queue, agentsById);
  const counts = Object.fromEntries(
    stateOrder.map((status) => [status, members.filter((agent) => agent.status === status).length]),
  );
  const shown = showAll ? members : members.slice(0, MEMBERS_SHOWN);
  const isSource = dragging?.kind === "member" && dragging.queueId === queue.id;
  const highlight =
    isOver && !isSource ? "ring-2 ring-cyan-600 bg-cyan-50" : dragging ? "ring-1 ring-cyan-300" : "";

  return (
    <li>
      <article
        ref={setNodeRef}
        aria-labelledby={headingId}
        data-short={short ? "true" : undefined}
        className={`rounded-lg border p-3 transition-colors ${short ? "border-red-400 bg-red-50" : "border-slate-200"} ${highlight}`}
      >
        <header className="flex items-baseline justify-between gap-2">
          <h3 id={headingId} className="truncate font-medium" title={queue.name} dir="auto">
            <bdi>{queue.name}</bdi>
          </h3>
          <span className="shrink-0 text-xs text-slate-600">
            <bdi dir="ltr">#{queue.id}</bdi> · {t("queues.agents", { count: members.length })}
          </span>
        </header>
        {short && (
          <p className="mt-1 rounded bg-red-700 px-2 py-0.5 text-xs font-semibold text-white">
            {t("alerts.short", { online: short.online, minimum: short.minimum })}
          </p>
        )}
        <ul
          aria-label={t("queues.byState", { name: queue.name })}
          className="mt-1.5 flex flex-wrap gap-x-3 gap-y-1 text-xs"
        >
          {stateOrder.map((status) => (
            <li key={status} className="flex items-center gap-1 text-slate-700">
              <span className={`size-2 rounded-full ${stateStyles[status].dot}`} aria-hidden />
              <T
                k={stateCounts[status]}
                values={{ count: <span className="font-semibold tabular-nums">{counts[status]}</span> }}
              />
            </li>
          ))}
        </ul>
        {members.length > 0 && (
          <ul aria-label={t("queues.members", { name: queue.name })} className="mt-2 flex flex-wrap gap-1.5">
            {shown.map((agent) =>
              readOnly ? (
                <li
                  key={agent.id}
                  className="flex items-center gap-1 rounded-full bg-slate-100 px-2 py-0.5 text-xs ring-1 ring-slate-200"
                >
                  <span className={`size-1.5 rounded-full ${stateStyles[agent.status].dot}`} aria-hidden />
                  <bdi className="max-w-32 truncate">{agent.name}</bdi>
                </li>
              ) : (
                <Member
                  key={agent.id}
                  agent={agent}
                  queueId={queue.id}
                  queueName={queue.name}
                  onRelease={onRelease}
                />
              ),
            )}
          </ul>
        )}
        {members.length > MEMBERS_SHOWN && (
          <button
            type="button"
            className="mt-2 text-xs font-medium text-cyan-800 underline"
            onClick={toggleShowAll}
            aria-expanded={showAll}
          >
            {showAll ? (
              t("queues.showFewer")
            ) : (
              <T k="queues.showAll" values={{ count: members.length, name: <bdi>{queue.name}</bdi> }} />
            )}
          </button>
        )}
      </article>
    </li>
  );
});

/**
 * Memoized, on the queue's id and name rather than the queue (whose member list changes): a live event
 * re-renders the queue cards, but only the chips of the agents that changed.
 */
const Member = memo(function Member({
  agent,
  queueId,
  queueName,
  onRelease,
}: {
  agent: Agent;
  queueId: string;
  queueName: string;
  onRelease: (queueId: string, agentIds: string[]) => void;
}) {
  const t = useT();
  const data: DragData = {
    kind: "member",
    agentId: agent.id,
    queueId,
    label: t("dnd.member", { name: agent.name, queue: queueName }),
  };
  const { setNodeRef, listeners, attributes, isDragging } = useDraggable({
    id: `member:${queueId}:${agent.id}`,
    data,
  });
  return (
    <li
      className={`flex items-center rounded-full bg-slate-100 text-xs ring-1 ring-slate-200 ${isDragging ? "opacity-40" : ""}`}
    >
      <button
        ref={setNodeRef}
        type="button"
        {...listeners}
        {...attributes}
        aria-label={t("queues.dragOut", { name: agent.name, queue: queueName })}
        className="flex cursor-grab touch-none items-center gap-1 rounded-s-full py-0.5 ps-2 pe-1 focus-visible:outline-2 focus-visible:outline-cyan-600"
      >
        <span className={`size-1.5 rounded-full ${stateStyles[agent.status].dot}`} aria-hidden />
        <bdi className="max-w-32 truncate">{agent.name}</bdi>
      </button>
      <button
        type="button"
        onClick={() => onRelease(queueId, [agent.id])}
        aria-label={t("queues.remove", { name: agent.name, queue: queueName })}
        title={t("queues.removeFrom", { queue: queueName })}
        className="rounded-e-full px-1.5 py-0.5 text-slate-600 hover:bg-red-100 hover:text-red-800 focus-visible:outline-2 focus-visible:outline-cyan-600"
      >
        ×
      </button>
    </li>
  );
});
