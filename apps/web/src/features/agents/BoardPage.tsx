// The supervisor's board: every agent with its state and queues, the queues as drop targets, and the
// state buttons. Assign by dragging one agent or a selection onto a queue (mouse, touch or keyboard), or
// with the "Assign" menu; remove with a member's × or by dragging it out of its queue.
import type { Agent, AgentStatus, Queue } from "@crystal-console/api";
import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  MeasuringStrategy,
  PointerSensor,
  useDroppable,
  useSensor,
  useSensors,
  type DragEndEvent,
  type DragStartEvent,
} from "@dnd-kit/core";
import { useCallback, useDeferredValue, useMemo, useState, type ReactNode } from "react";
import { isolate, useT } from "../../i18n/i18n.tsx";
import { ErrorNotice, Spinner, buttonClass, inputClass, useDocumentTitle } from "../../lib/ui.tsx";
import { alertIndex, useAlerts } from "../alerts/queries.ts";
import { TimelineDialog } from "../history/TimelineDialog.tsx";
import { AssignDialog } from "../queues/AssignDialog.tsx";
import {
  RELEASE_ZONE_ID,
  boardCollisionDetection,
  dragAccessibility,
  jumpBetweenDropTargets,
  type DragData,
  type DropData,
} from "../queues/dnd.ts";
import { useAssignAgents, useReleaseAgents } from "../queues/mutations.ts";
import { useQueues } from "../queues/queries.ts";
import { QueuesPanel } from "../queues/QueuesPanel.tsx";
import { useCurrentUser } from "../session/queries.ts";
import { AgentsGrid } from "./AgentsGrid.tsx";
import { NO_QUEUE, boardRowsKeeper, type Sort, type SortKey } from "./boardRows.ts";
import { BulkStateActions } from "./BulkActions.tsx";
import { useAgents } from "./queries.ts";
import { stateCounts, stateLabels, stateOrder } from "./state.tsx";
import { useStateCommands } from "./StateDialogs.tsx";

// One object for the life of the page: dnd-kit's useSensor memoizes on it, and a new one each render would
// hand every draggable on the board (each row and each queue member) a new context, re-rendering them all
// on every live event.
const pointerSensorOptions = { activationConstraint: { distance: 6 } };
const keyboardSensorOptions = { coordinateGetter: jumpBetweenDropTargets };

// The board is live: queues come and go while someone drags, so drop targets are measured on every move.
// One object for every render: a new one would give every draggable row a new context each time.
const MEASURING = { droppable: { strategy: MeasuringStrategy.Always } };
export default function BoardPage() {
  const agents = useAgents();
  const queues = useQueues();
  const t = useT();
  useDocumentTitle(t("board.title"));
  if (agents.isPending || queues.isPending) return <Spinner label={t("board.loading")} />;
  if (agents.isError) return <ErrorNotice title={t("agents.loadFailed")} error={agents.error} />;
  if (queues.isError) return <ErrorNotice title={t("queues.loadFailed")} error={queues.error} />;
  return <Board agents={agents.data} queues={queues.data} />;
}

function Board({ agents, queues }: { agents: Agent[]; queues: Queue[] }) {
  const user = useCurrentUser();
  const readOnly = user.role === "viewer";
  const t = useT();
  const accessibility = useMemo(() => dragAccessibility(t), [t]);
  const { command, dialogs } = useStateCommands({ by: user.username });
  const [timelineFor, setTimelineFor] = useState<Agent | null>(null);
  const { mutate: assign } = useAssignAgents();
  const { mutate: release } = useReleaseAgents();
  const alerts = useAlerts();
  const { overdue, short } = useMemo(() => alertIndex(alerts.data), [alerts.data]);

  const [search, setSearch] = useState("");
  const [status, setStatus] = useState<AgentStatus | "">("");
  const [queueFilter, setQueueFilter] = useState("");
  const [sort, setSort] = useState<Sort>({ key: "id", direction: "ascending" });
  const [selection, setSelection] = useState<ReadonlySet<string>>(() => new Set());
  const [assignFor, setAssignFor] = useState<string[] | null>(null);
  const [dragging, setDragging] = useState<DragData | null>(null);
  const deferredSearch = useDeferredValue(search);

  const query = useMemo(
    () => ({ needle: deferredSearch, status, queue: queueFilter, sort }),
    [deferredSearch, status, queueFilter, sort],
  );
  // Made from the last view on each flush (boardRows.ts): a few changed agents of 10,000 move, no more.
  const [viewOf] = useState(boardRowsKeeper);
  const { byId: agentsById, counts, rows } = useMemo(() => viewOf(agents, query), [viewOf, agents, query]);
  // Every row shows its queues' names: the map changes only when a name does, not with each membership.
  const queueNamesKey = JSON.stringify(queues.map((queue) => [queue.id, queue.name]));
  const queueNames = useMemo(() => new Map(JSON.parse(queueNamesKey) as [string, string][]), [queueNamesKey]);

  // Selected agents that no longer exist drop out of the selection.
  const selected = useMemo(() => [...selection].filter((id) => agentsById.has(id)), [selection, agentsById]);

  const onToggle = useCallback((agentId: string, on: boolean) => {
    setSelection((current) => {
      const next = new Set(current);
      if (on) next.add(agentId);
      else next.delete(agentId);
      return next;
    });
  }, []);
  const onToggleAll = useCallback(
    (on: boolean) => {
      setSelection((current) => {
        const next = new Set(current);
        for (const agent of rows) {
          if (on) next.add(agent.id);
          else next.delete(agent.id);
        }
        return next;
      });
    },
    [rows],
  );
  const onSort = useCallback((key: SortKey) => {
    setSort((current) => ({
      key,
      direction: current.key === key && current.direction === "ascending" ? "descending" : "ascending",
    }));
  }, []);
  const onAssign = useCallback(
    (queueId: string, agentIds: string[]) => assign({ queueId, agentIds }),
    [assign],
  );
  const onRelease = useCallback(
    (queueId: string, agentIds: string[]) => release({ queueId, agentIds }),
    [release],
  );
  const onAssignMenu = useCallback((agentIds: string[]) => setAssignFor(agentIds), []);

  /** The agents a drag carries: a selected agent brings the whole selection with it. */
  const draggedAgentIds = useCallback(
    (data: DragData): string[] => {
      if (data.kind !== "agents") return [data.agentId];
      const [first] = data.agentIds;
      if (first && selection.has(first) && selected.length > 1) return selected;
      return data.agentIds;
    },
    [selection, selected],
  );

  const sensors = useSensors(
    useSensor(PointerSensor, pointerSensorOptions),
    useSensor(KeyboardSensor, keyboardSensorOptions),
  );

  function onDragStart(event: DragStartEvent) {
    setDragging((event.active.data.current as DragData | undefined) ?? null);
  }

  function onDragEnd(event: DragEndEvent) {
    setDragging(null);
    const data = event.active.data.current as DragData | undefined;
    const target = event.over?.data.current as DropData | undefined;
    if (!data) return;
    const agentIds = draggedAgentIds(data);
    if (data.kind === "agents") {
      if (target?.kind === "queue") onAssign(target.queueId, agentIds);
      return;
    }
    // A member dragged onto another queue joins it too; dragged out of every queue, it leaves its own.
    if (target?.kind === "queue") {
      if (target.queueId !== data.queueId) onAssign(target.queueId, agentIds);
      return;
    }
    onRelease(data.queueId, agentIds);
  }

  const draggingIds = useMemo(
    () => new Set(dragging ? draggedAgentIds(dragging) : []),
    [dragging, draggedAgentIds],
  );
  const pinnedAgentId = dragging?.kind === "agents" ? (dragging.agentIds[0] ?? null) : null;

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={boardCollisionDetection}
      measuring={MEASURING}
      accessibility={accessibility}
      onDragStart={onDragStart}
      onDragEnd={onDragEnd}
      onDragCancel={() => setDragging(null)}
    >
      <main className="flex flex-col gap-3 p-2 sm:p-3 lg:h-full lg:flex-row">
        <AgentsSection dropEnabled={dragging?.kind === "member"}>
          <div className="flex flex-wrap items-end gap-2 border-b border-slate-200 px-3 py-3">
            <div className="me-auto">
              <h1 className="font-semibold">
                {t("board.agents")}{" "}
                <span className="text-sm font-normal text-slate-600">
                  {rows.length === agents.length
                    ? t("board.count", { count: agents.length })
                    : t("board.countOf", { shown: rows.length, count: agents.length })}
                </span>
              </h1>
              <p className="text-xs text-slate-600" aria-label={t("board.byState")}>
                {stateOrder.map((each) => t(stateCounts[each], { count: counts[each] })).join(" · ")}
              </p>
            </div>
            <label className="block w-full text-xs font-medium text-slate-700 sm:w-52">
              {t("board.search")}
              <input
                type="search"
                value={search}
                onChange={(event) => setSearch(event.target.value)}
                placeholder={t("board.searchPlaceholder")}
                className={`${inputClass} mt-0.5`}
              />
            </label>
            <label className="block text-xs font-medium text-slate-700">
              {t("board.state")}
              <select
                value={status}
                onChange={(event) => setStatus(event.target.value as AgentStatus | "")}
                className={`${inputClass} mt-0.5`}
              >
                <option value="">{t("board.allStates")}</option>
                {stateOrder.map((each) => (
                  <option key={each} value={each}>
                    {t(stateLabels[each])}
                  </option>
                ))}
              </select>
            </label>
            <label className="block text-xs font-medium text-slate-700">
              {t("board.queue")}
              <select
                value={queueFilter}
                onChange={(event) => setQueueFilter(event.target.value)}
                className={`${inputClass} mt-0.5 max-w-48`}
              >
                <option value="">{t("board.allQueues")}</option>
                <option value={NO_QUEUE}>{t("board.inNoQueue")}</option>
                {[...queues]
                  .sort((a, b) => a.name.localeCompare(b.name))
                  .map((queue) => (
                    <option key={queue.id} value={queue.id}>
                      {isolate(queue.name)}
                    </option>
                  ))}
              </select>
            </label>
            <label className="block text-xs font-medium text-slate-700 md:hidden">
              {t("board.sortBy")}
              <select
                value={`${sort.key}:${sort.direction}`}
                onChange={(event) => {
                  const [key, direction] = event.target.value.split(":") as [SortKey, Sort["direction"]];
                  setSort({ key, direction });
                }}
                className={`${inputClass} mt-0.5`}
              >
                <option value="id:ascending">{t("grid.id")}</option>
                <option value="name:ascending">{t("grid.name")}</option>
                <option value="status:ascending">{t("grid.state")}</option>
                <option value="since:ascending">{t("board.longestInState")}</option>
              </select>
            </label>
          </div>
          {selected.length > 0 && !readOnly && (
            <div
              role="region"
              aria-label={t("board.selection")}
              className="flex flex-wrap items-center gap-2 border-b border-cyan-200 bg-cyan-50 px-3 py-2 text-sm"
            >
              <span className="font-medium">{t("board.selected", { count: selected.length })}</span>
              <button
                type="button"
                className={buttonClass("primary", "sm")}
                onClick={() => setAssignFor(selected)}
              >
                {t("board.assignSelected")}
              </button>
              <button
                type="button"
                className={buttonClass("ghost", "sm")}
                onClick={() => setSelection(new Set())}
              >
                {t("board.clearSelection")}
              </button>
              <span className="text-xs text-slate-600">{t("board.orDrag")}</span>
              <BulkStateActions agentIds={selected} agentsById={agentsById} />
            </div>
          )}
          <AgentsGrid
            rows={rows}
            queueNames={queueNames}
            selection={selection}
            onToggle={onToggle}
            onToggleAll={onToggleAll}
            onCommand={command}
            onAssignMenu={onAssignMenu}
            onTimeline={setTimelineFor}
            sort={sort}
            onSort={onSort}
            pinnedAgentId={pinnedAgentId}
            draggingIds={draggingIds}
            readOnly={readOnly}
            overdue={overdue}
          />
        </AgentsSection>
        <QueuesPanel
          queues={queues}
          agentsById={agentsById}
          onRelease={onRelease}
          dragging={dragging}
          readOnly={readOnly}
          short={short}
        />
      </main>
      <DragOverlay dropAnimation={null}>
        {dragging && (
          <div className="pointer-events-none inline-flex items-center gap-2 rounded-lg bg-cyan-800 px-3 py-1.5 text-sm font-medium whitespace-nowrap text-white shadow-xl">
            {dragging.kind === "agents" && draggingIds.size > 1 ? (
              t("board.dragCount", { count: draggingIds.size })
            ) : (
              <bdi>
                {agentsById.get(dragging.kind === "agents" ? (dragging.agentIds[0] ?? "") : dragging.agentId)
                  ?.name ?? t("board.agent")}
              </bdi>
            )}
          </div>
        )}
      </DragOverlay>
      <TimelineDialog agent={timelineFor} onClose={() => setTimelineFor(null)} />
      <AssignDialog
        agentIds={assignFor}
        agentsById={agentsById}
        queues={queues}
        onAssign={onAssign}
        onRelease={onRelease}
        onClose={() => setAssignFor(null)}
      />
      {dialogs}
    </DndContext>
  );
}

/** The agents list doubles as the place to drop a member dragged out of its queue. */
function AgentsSection({ dropEnabled, children }: { dropEnabled: boolean; children: ReactNode }) {
  const t = useT();
  const data: DropData = { kind: "release", label: t("dnd.releaseZone") };
  const { setNodeRef, isOver } = useDroppable({ id: RELEASE_ZONE_ID, data, disabled: !dropEnabled });
  return (
    <section
      ref={setNodeRef}
      aria-label={t("board.agents")}
      className={`flex h-[75dvh] min-h-0 min-w-0 flex-1 flex-col rounded-xl bg-white shadow-sm ring-1 ring-slate-200 lg:h-auto ${isOver ? "ring-2 ring-red-400" : ""}`}
    >
      {children}
    </section>
  );
}
