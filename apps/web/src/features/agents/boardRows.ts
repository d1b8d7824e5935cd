// The board's view of the agents list: the agents by id, how many are in each state, and the rows shown
// (filtered and sorted). A live flush changes a few agents of 10,000, so the next view is made from the
// last one: only the changed agents' entries are replaced and their rows moved by binary search; a new
// query, a deletion or a refetch (many changes at once) builds it afresh. Either way the result is the same.
import type { Agent, AgentStatus } from "@crystal-console/api";
import { stateOrder } from "./state.tsx";

export type SortKey = "id" | "name" | "status" | "since" | "extension";
export type Sort = { key: SortKey; direction: "ascending" | "descending" };

/** Which agents the board shows, and in what order. `queue` is a queue id, NO_QUEUE or "" for all. */
export type RowsQuery = { needle: string; status: AgentStatus | ""; queue: string; sort: Sort };

export const NO_QUEUE = "none";

export type BoardRows = {
  agents: readonly Agent[];
  query: RowsQuery;
  byId: Map<string, Agent>;
  counts: Readonly<Record<AgentStatus, number>>;
  rows: Agent[];
};

const collator = new Intl.Collator();

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Ids are numbers: shorter is smaller. */
const compareIds = (a: string, b: string) => a.length - b.length || compareText(a, b);

/** Every sort ends with the id, so that no two agents are equal and a row's place is found by search. */
function compareBy(sort: Sort): (a: Agent, b: Agent) => number {
  const factor = sort.direction === "ascending" ? 1 : -1;
  const compare = (a: Agent, b: Agent): number => {
    switch (sort.key) {
      case "id":
        return 0;
      case "name":
        return collator.compare(a.name, b.name);
      case "status":
        return (
          stateOrder.indexOf(a.status) - stateOrder.indexOf(b.status) || collator.compare(a.name, b.name)
        );
      case "since":
        return compareText(a.statusSince, b.statusSince);
      case "extension":
        return compareIds(a.extension ?? "~", b.extension ?? "~");
    }
  };
  return (a, b) => factor * (compare(a, b) || compareIds(a.id, b.id));
}

function matcher({ needle, status, queue }: RowsQuery): (agent: Agent) => boolean {
  const word = needle.trim().toLocaleLowerCase();
  return (agent) =>
    (!word || agent.id.startsWith(word) || agent.name.toLocaleLowerCase().includes(word)) &&
    (!status || agent.status === status) &&
    (!queue || (queue === NO_QUEUE ? agent.queueIds.length === 0 : agent.queueIds.includes(queue)));
}

const sameQuery = (a: RowsQuery, b: RowsQuery) =>
  a.needle === b.needle &&
  a.status === b.status &&
  a.queue === b.queue &&
  a.sort.key === b.sort.key &&
  a.sort.direction === b.sort.direction;

/** The view built from nothing: every agent indexed, counted, filtered and sorted. */
export function buildBoardRows(agents: readonly Agent[], query: RowsQuery): BoardRows {
  const counts: Record<AgentStatus, number> = { online: 0, paused: 0, mission: 0, logged_off: 0 };
  const byId = new Map<string, Agent>();
  for (const agent of agents) {
    byId.set(agent.id, agent);
    counts[agent.status] += 1;
  }
  const rows = agents.filter(matcher(query)).sort(compareBy(query.sort));
  return { agents, query, byId, counts, rows };
}

/** Where `agent` is in `rows`, or where it would go: the first row that sorts after it. */
function placeOf(rows: readonly Agent[], agent: Agent, compare: (a: Agent, b: Agent) => number): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const row = rows[middle];
    if (row !== undefined && compare(row, agent) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The agents of `agents` that are not in `previous` as they are (new or replaced), or null when some agent
 * of `previous` is gone: the cache's edits keep the list's order and append new agents at its end.
 */
function changedAgents(previous: BoardRows, agents: readonly Agent[]): Agent[] | null {
  const changed: Agent[] = [];
  if (agents.length < previous.agents.length) return null;
  for (const [index, agent] of agents.entries()) {
    const before = previous.agents[index];
    if (agent === before) continue;
    if (before !== undefined && before.id !== agent.id) return null;
    changed.push(agent);
  }
  return changed;
}

/** The view for `agents` and `query`, made from `previous` when only a few agents changed. */
export function nextBoardRows(
  previous: BoardRows | null,
  agents: readonly Agent[],
  query: RowsQuery,
): BoardRows {
  if (previous === null || !sameQuery(previous.query, query)) return buildBoardRows(agents, query);
  if (agents === previous.agents) return previous;
  const changed = changedAgents(previous, agents);
  // Past a few hundred changes, sorting the whole list once is cheaper than moving each row.
  if (changed === null || changed.length > 256) return buildBoardRows(agents, query);
  const matches = matcher(query);
  const compare = compareBy(query.sort);
  const byId = new Map(previous.byId);
  const counts = { ...previous.counts };
  const rows = previous.rows.slice();
  for (const agent of changed) {
    const before = byId.get(agent.id);
    if (before) {
      counts[before.status] -= 1;
      if (matches(before)) {
        const at = placeOf(rows, before, compare);
        // Not where the order says (it cannot be, but a wrong row would stay for the whole shift): start over.
        if (rows[at] !== before) return buildBoardRows(agents, query);
        rows.splice(at, 1);
      }
    }
    byId.set(agent.id, agent);
    counts[agent.status] += 1;
    if (matches(agent)) rows.splice(placeOf(rows, agent, compare), 0, agent);
  }
  return { agents, query, byId, counts, rows };
}

/**
 * A keeper of the last view, for a component's memo: each call makes the next view from the one before.
 * It holds one board's view; make one per board (useState(boardRowsKeeper)).
 */
export function boardRowsKeeper(): (agents: readonly Agent[], query: RowsQuery) => BoardRows {
  let last: BoardRows | null = null;
  return (agents, query) => (last = nextBoardRows(last, agents, query));
}
