// The board's agents grid: a virtualized table (only the rows in view are in the DOM), so 2,000 agents
// scroll smoothly. Each row has a drag handle, a selection checkbox, the state pill and the state buttons.
import type { Agent, AgentStateAction, Alert } from "@crystal-console/api";
import { useDraggable } from "@dnd-kit/core";
import { defaultRangeExtractor, useVirtualizer, type Range } from "@tanstack/react-virtual";
import { memo, useCallback, useEffect, useRef, useSyncExternalStore, type ReactNode } from "react";
import { useFormat, useT, type MessageKey } from "../../i18n/i18n.tsx";
import type { DragData } from "../queues/dnd.ts";
import type { Sort, SortKey } from "./boardRows.ts";
import { PauseReason, StateButtons, StatePill, pauseReasonText } from "./state.tsx";

const columns =
  "md:grid md:grid-cols-[1.5rem_1.5rem_4.5rem_minmax(6rem,1fr)_9.5rem_3rem_minmax(7rem,1.2fr)_23rem] md:items-center md:gap-x-2";

/** On a laptop every row is one fixed height, so scrolling never measures; on a phone rows wrap and are measured. */
const WIDE_ROW_HEIGHT = 56;
const NARROW_ROW_ESTIMATE = 150;
const wideQuery = "(min-width: 768px)";

function subscribeWide(onChange: () => void) {
  const query = window.matchMedia(wideQuery);
  query.addEventListener("change", onChange);
  return () => query.removeEventListener("change", onChange);
}

/**
 * On a laptop no row is measured, so an item's key is its place: one function for the life of the page keeps
 * the virtualizer's 10,000 measurements from being rebuilt on every live flush (it rebuilds them whenever
 * the key function changes). Measured rows (a phone) are keyed by agent, so a moved row keeps its size.
 */
const keyByIndex = (index: number) => index;

function useWide(): boolean {
  return useSyncExternalStore(subscribeWide, () => window.matchMedia(wideQuery).matches);
}

export function AgentsGrid({
  rows,
  queueNames,
  selection,
  onToggle,
  onToggleAll,
  onCommand,
  onAssignMenu,
  onTimeline,
  sort,
  onSort,
  pinnedAgentId,
  draggingIds,
  readOnly,
  overdue,
}: {
  rows: Agent[];
  queueNames: Map<string, string>;
  selection: ReadonlySet<string>;
  onToggle: (agentId: string, selected: boolean) => void;
  onToggleAll: (selected: boolean) => void;
  onCommand: (agent: Agent, action: AgentStateAction) => void;
  onAssignMenu: (agentIds: string[]) => void;
  /** Opens the agent's timeline (its state history today). */
  onTimeline: (agent: Agent) => void;
  sort: Sort;
  onSort: (key: SortKey) => void;
  pinnedAgentId: string | null;
  draggingIds: ReadonlySet<string>;
  /** A viewer's board: no selection, no drag handle, no state or assign buttons. */
  readOnly: boolean;
  /** Agents whose pause is past its reason's limit: their rows are red. */
  overdue: ReadonlyMap<string, Extract<Alert, { kind: "pause_overdue" }>>;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const wide = useWide();
  const t = useT();
  const pinnedIndex = pinnedAgentId === null ? -1 : rows.findIndex((agent) => agent.id === pinnedAgentId);
  // A row being dragged stays mounted even when it scrolls out of view.
  const rangeExtractor = useCallback(
    (range: Range) => {
      const indexes = defaultRangeExtractor(range);
      if (pinnedIndex >= 0 && !indexes.includes(pinnedIndex)) indexes.push(pinnedIndex);
      return indexes.sort((a, b) => a - b);
    },
    [pinnedIndex],
  );
  // eslint-disable-next-line react-hooks/incompatible-library -- no React Compiler here; rows re-render by props
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => (wide ? WIDE_ROW_HEIGHT : NARROW_ROW_ESTIMATE),
    overscan: 6,
    getItemKey: wide ? keyByIndex : (index) => rows[index]?.id ?? index,
    rangeExtractor,
  });

  // Row sizes differ between the two layouts: forget the old ones when the layout changes.
  useEffect(() => virtualizer.measure(), [wide, virtualizer]);

  const selectedShown = selection.size === 0 ? 0 : rows.filter((agent) => selection.has(agent.id)).length;
  const allRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (allRef.current) allRef.current.indeterminate = selectedShown > 0 && selectedShown < rows.length;
  }, [selectedShown, rows.length]);

  return (
    <div
      role="table"
      aria-label={t("board.agents")}
      aria-rowcount={rows.length + 1}
      className="flex min-h-0 flex-1 flex-col"
    >
      <div role="rowgroup" className="hidden border-b border-slate-200 bg-slate-50 md:block">
        <div
          role="row"
          aria-rowindex={1}
          className={`${columns} px-3 py-2 text-xs font-semibold text-slate-700`}
        >
          <div role="columnheader">
            {!readOnly && (
              <input
                ref={allRef}
                type="checkbox"
                aria-label={t("grid.selectAll")}
                checked={rows.length > 0 && selectedShown === rows.length}
                onChange={(event) => onToggleAll(event.target.checked)}
                className="size-4 accent-cyan-700"
              />
            )}
          </div>
          <div role="columnheader">{!readOnly && <span className="sr-only">{t("grid.drag")}</span>}</div>
          <SortHeader heading="grid.id" column="id" sort={sort} onSort={onSort} />
          <SortHeader heading="grid.name" column="name" sort={sort} onSort={onSort} />
          <SortHeader heading="grid.state" column="status" sort={sort} onSort={onSort}>
            <SortButton heading="grid.time" column="since" sort={sort} onSort={onSort} />
          </SortHeader>
          <SortHeader heading="grid.extension" column="extension" sort={sort} onSort={onSort} />
          <div role="columnheader">{t("grid.queues")}</div>
          <div role="columnheader">{!readOnly && t("grid.actions")}</div>
        </div>
      </div>
      <div ref={scrollRef} className="min-h-0 flex-1 overflow-y-auto overscroll-contain">
        {rows.length === 0 ? (
          <p className="p-6 text-center text-sm text-slate-600">{t("grid.noMatch")}</p>
        ) : (
          <div role="rowgroup" className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const agent = rows[item.index];
              if (!agent) return null;
              const selected = selection.has(agent.id);
              return (
                <AgentRow
                  key={agent.id}
                  agent={agent}
                  rowIndex={item.index + 2}
                  start={item.start}
                  measureRef={wide ? undefined : virtualizer.measureElement}
                  dataIndex={item.index}
                  selected={selected}
                  dragCount={selected ? selection.size : 1}
                  dimmed={draggingIds.has(agent.id)}
                  queueNames={queueNames}
                  onToggle={onToggle}
                  onCommand={onCommand}
                  onAssignMenu={onAssignMenu}
                  readOnly={readOnly}
                  overdue={overdue.get(agent.id)}
                  onTimeline={onTimeline}
                />
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}

/** Memoized: the grid re-renders on every live event, and a new onClick would give the button a new handler. */
const SortButton = memo(function SortButton({
  heading,
  column,
  sort,
  onSort,
}: {
  heading: MessageKey;
  column: SortKey;
  sort: Sort;
  onSort: (key: SortKey) => void;
}) {
  const active = sort.key === column;
  const t = useT();
  return (
    <button
      type="button"
      onClick={() => onSort(column)}
      className={`inline-flex items-center gap-0.5 rounded px-1 py-0.5 hover:bg-slate-200 focus-visible:outline-2 focus-visible:outline-cyan-600 ${active ? "text-cyan-900" : ""}`}
      aria-label={
        active
          ? t(sort.direction === "ascending" ? "grid.sortedAscending" : "grid.sortedDescending", {
              column: t(heading),
            })
          : t("grid.sortBy", { column: t(heading) })
      }
    >
      {t(heading)}
      <span aria-hidden className="w-3 text-[0.65rem]">
        {active ? (sort.direction === "ascending" ? "▲" : "▼") : ""}
      </span>
    </button>
  );
});

function SortHeader({
  children,
  ...props
}: {
  heading: MessageKey;
  column: SortKey;
  sort: Sort;
  onSort: (key: SortKey) => void;
  children?: ReactNode;
}) {
  const active = props.sort.key === props.column;
  return (
    <div
      role="columnheader"
      aria-sort={active ? props.sort.direction : "none"}
      className="flex items-center gap-1"
    >
      <SortButton {...props} />
      {children}
    </div>
  );
}

/** Memoized, as the row's other buttons are: a row that re-renders must not give this one a new handler. */
const TimelineButton = memo(function TimelineButton({
  agent,
  onTimeline,
}: {
  agent: Agent;
  onTimeline: (agent: Agent) => void;
}) {
  const t = useT();
  return (
    <button
      type="button"
      onClick={() => onTimeline(agent)}
      aria-label={t("history.open", { name: agent.name })}
      className="block max-w-full rounded text-start hover:underline focus-visible:outline-2 focus-visible:outline-cyan-600"
    >
      <bdi className="block truncate [text-align:match-parent]" title={agent.name}>
        {agent.name}
      </bdi>
    </button>
  );
});

type AgentRowProps = {
  agent: Agent;
  rowIndex: number;
  start: number;
  measureRef: ((node: Element | null) => void) | undefined;
  dataIndex: number;
  selected: boolean;
  dragCount: number;
  dimmed: boolean;
  queueNames: Map<string, string>;
  onToggle: (agentId: string, selected: boolean) => void;
  onCommand: (agent: Agent, action: AgentStateAction) => void;
  onAssignMenu: (agentIds: string[]) => void;
  readOnly: boolean;
  overdue: Extract<Alert, { kind: "pause_overdue" }> | undefined;
  onTimeline: (agent: Agent) => void;
};

/**
 * A row's props are the same when each is, except the queue names, of which only this agent's queues count:
 * another queue added or renamed elsewhere (every few seconds on a busy floor) leaves the row as it was.
 */
function sameRow(before: AgentRowProps, after: AgentRowProps): boolean {
  for (const key of Object.keys(after) as (keyof AgentRowProps)[]) {
    if (key !== "queueNames" && !Object.is(before[key], after[key])) return false;
  }
  return after.agent.queueIds.every((id) => before.queueNames.get(id) === after.queueNames.get(id));
}

const AgentRow = memo(function AgentRow({
  agent,
  rowIndex,
  start,
  measureRef,
  dataIndex,
  selected,
  dragCount,
  dimmed,
  queueNames,
  onToggle,
  onCommand,
  onAssignMenu,
  readOnly,
  overdue,
  onTimeline,
}: AgentRowProps) {
  const t = useT();
  const format = useFormat();
  const data: DragData = {
    kind: "agents",
    agentIds: [agent.id],
    label:
      dragCount > 1 ? t("dnd.selectedAgents", { count: dragCount }) : t("dnd.agent", { name: agent.name }),
  };
  const { setNodeRef, listeners, attributes } = useDraggable({
    id: `agent:${agent.id}`,
    data,
    disabled: readOnly,
  });
  const queues = agent.queueIds.map((id) => queueNames.get(id) ?? `#${id}`);
  return (
    <div
      role="row"
      aria-rowindex={rowIndex}
      aria-selected={selected}
      data-overdue={overdue ? "true" : undefined}
      ref={measureRef}
      data-index={dataIndex}
      style={{ transform: `translateY(${start}px)` }}
      className={`absolute start-0 top-0 flex w-full flex-wrap items-center gap-x-3 gap-y-1.5 overflow-hidden border-b border-slate-100 px-3 py-2 text-sm md:h-14 md:py-0 ${columns} ${overdue ? "bg-red-100 hover:bg-red-200" : selected ? "bg-cyan-50" : "bg-white hover:bg-slate-50"} ${dimmed ? "opacity-50" : ""}`}
    >
      <div role="cell">
        {!readOnly && (
          <input
            type="checkbox"
            checked={selected}
            onChange={(event) => onToggle(agent.id, event.target.checked)}
            aria-label={t("grid.select", { name: agent.name })}
            className="size-4 accent-cyan-700"
          />
        )}
      </div>
      <div role="cell">
        {!readOnly && (
          <button
            ref={setNodeRef}
            type="button"
            {...listeners}
            {...attributes}
            aria-label={
              dragCount > 1
                ? t("grid.dragSelected", { count: dragCount })
                : t("grid.dragAgent", { name: agent.name })
            }
            className="flex h-7 w-6 cursor-grab touch-none items-center justify-center rounded text-slate-500 hover:bg-slate-200 hover:text-slate-800 focus-visible:outline-2 focus-visible:outline-cyan-600"
          >
            <svg viewBox="0 0 10 16" className="h-4 w-2.5" aria-hidden fill="currentColor">
              <circle cx="2" cy="3" r="1.5" />
              <circle cx="8" cy="3" r="1.5" />
              <circle cx="2" cy="8" r="1.5" />
              <circle cx="8" cy="8" r="1.5" />
              <circle cx="2" cy="13" r="1.5" />
              <circle cx="8" cy="13" r="1.5" />
            </svg>
          </button>
        )}
      </div>
      <div role="cell" className="font-mono text-xs text-slate-700 tabular-nums">
        <bdi dir="ltr">{agent.id}</bdi>
      </div>
      <div role="cell" className="min-w-0 basis-40 font-medium md:basis-auto">
        {/* A <bdi> truncates at the end of the name, whichever way it is written, aligned as the page is. */}
        {/* A viewer reads no history: the name is only a name. */}
        {readOnly ? (
          <bdi className="block truncate [text-align:match-parent]" title={agent.name}>
            {agent.name}
          </bdi>
        ) : (
          <TimelineButton agent={agent} onTimeline={onTimeline} />
        )}
      </div>
      <div role="cell" className="min-w-0">
        <StatePill agent={agent} />
        {agent.status === "paused" && agent.pauseReason && (
          <span
            className="ms-1 block truncate text-xs text-slate-600 md:ms-0"
            title={pauseReasonText(t, agent.pauseReason)}
          >
            <PauseReason reason={agent.pauseReason} />
          </span>
        )}
        {overdue && (
          <span className="ms-1 rounded bg-red-700 px-1.5 py-0.5 text-[0.7rem] font-semibold text-white md:ms-0">
            {t("alerts.overLimit", { limit: format.duration(overdue.limitSeconds * 1000) })}
          </span>
        )}
      </div>
      <div role="cell" className="text-xs text-slate-700 tabular-nums">
        <span className="md:hidden">{t("grid.extension")} </span>
        {agent.extension ? (
          <bdi dir="ltr">{agent.extension}</bdi>
        ) : (
          <span aria-label={t("grid.noExtension")}>—</span>
        )}
      </div>
      <div
        role="cell"
        className="flex min-w-0 flex-wrap gap-1 md:flex-nowrap md:overflow-hidden"
        title={queues.join(", ")}
      >
        {queues.length === 0 && <span className="text-xs text-slate-500">{t("grid.noQueue")}</span>}
        {queues.slice(0, 2).map((name, index) => (
          <bdi
            key={`${name}-${index}`}
            className="max-w-28 min-w-0 shrink truncate rounded bg-slate-100 px-1.5 py-0.5 text-xs"
          >
            {name}
          </bdi>
        ))}
        {queues.length > 2 && (
          <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">
            {t("grid.moreQueues", { count: queues.length - 2 })}
          </span>
        )}
      </div>
      <div role="cell" className="flex w-full flex-wrap gap-1 md:w-auto md:flex-nowrap">
        {!readOnly && (
          <>
            <StateButtons agent={agent} onCommand={onCommand} />
            <button
              type="button"
              onClick={() => onAssignMenu([agent.id])}
              aria-label={t("grid.assignAgent", { name: agent.name })}
              className="rounded-md border border-cyan-700 px-2 py-1 text-xs font-medium whitespace-nowrap text-cyan-800 hover:bg-cyan-50 focus-visible:outline-2 focus-visible:outline-cyan-600"
            >
              {t("grid.assign")}
            </button>
          </>
        )}
      </div>
    </div>
  );
}, sameRow);
