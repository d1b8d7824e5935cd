// The plan of an import: every row validated with the contract's rules (packages/api) against the registry,
// then given what applying it would do: create, update (with its changes), unchanged, or error.
//
// The PBX has no read action, so whether it already has a "new" agent or queue is only learnt when it answers
// new_agent or new_queue with "exists": a dry run plans "create", and the job's result says "adopted".
//
// Passwords: the registry keeps only a scrypt hash. A non-empty password for an existing agent is a change
// only if it does not verify against that hash; verifying costs one scrypt (the production cost), so a dry
// run pays it for every such row, and an import pays it inside the row's own work, under the job's limits.
import {
  CSV_QUEUE_SEPARATOR,
  type CreateAgentRequest,
  type CreateQueueRequest,
  type ImportChange,
  type ImportKind,
  type ImportPlanRow,
  type ImportPlanSummary,
  agentIdSchema,
  agentPasswordSchema,
  importPlanKinds,
  nameSchema,
  newAgentIdSchema,
  newQueueIdSchema,
  queueIdSchema,
} from "@crystal-console/api";
import type { ZodType } from "zod";
import { verifyPassword } from "../auth/passwords.ts";
import type { Registry } from "../registry/open.ts";
import { readImportSnapshot } from "../registry/read.ts";
import type { Limiter } from "./limit.ts";
import type { CsvRow } from "./parse.ts";

export type RegistryAgent = {
  active: boolean;
  name: string;
  outQueueId: string;
  passwordHash: string | null;
  queueIds: string[];
};

/** What the registry holds, read once per plan. */
export type Snapshot = { agents: Map<string, RegistryAgent>; queues: Map<string, string> };

export type RowOp =
  | { kind: "createAgent"; agent: CreateAgentRequest; assign: string[] }
  | {
      kind: "updateAgent";
      id: string;
      edit: { name?: string; outQueueId?: string; password?: string };
      /** A password to check against the stored hash before deciding it is a change. */
      verify: { password: string; hash: string } | null;
      assign: string[];
      release: string[];
    }
  | { kind: "createQueue"; queue: CreateQueueRequest }
  | { kind: "updateQueue"; id: string; name: string };

/** A cell of the row: parseCsv gives every column of the kind ("" when empty or absent). */
const cell = (row: CsvRow, column: string): string => row.values[column] ?? "";

/** A row of the plan and, unless it is unchanged or an error, the operation that applies it. */
export type PlannedRow = { row: ImportPlanRow; op: RowOp | null };

export async function loadSnapshot(db: Registry): Promise<Snapshot> {
  const { agents: agentRows, memberships: membershipRows, queues: queueRows } = await readImportSnapshot(db);
  const agents = new Map<string, RegistryAgent>();
  for (const row of agentRows) {
    agents.set(row.id, {
      active: row.active === 1,
      name: row.name,
      outQueueId: row.out_queue_id,
      passwordHash: row.password_hash,
      queueIds: [],
    });
  }
  for (const membership of membershipRows)
    agents.get(membership.agent_id)?.queueIds.push(membership.queue_id);
  for (const agent of agents.values()) agent.queueIds.sort(byNumericId);
  return { agents, queues: new Map(queueRows.map((row) => [row.id, row.name])) };
}

export function planRows(
  kind: ImportKind,
  rows: CsvRow[],
  snapshot: Snapshot,
  options: { sync: boolean },
): PlannedRow[] {
  const idColumn = kind === "agents" ? "agent_id" : "queue_id";
  const linesOf = new Map<string, number[]>();
  for (const row of rows) {
    const id = cell(row, idColumn).trim();
    if (id !== "") linesOf.set(id, [...(linesOf.get(id) ?? []), row.line]);
  }
  return rows.map((row) => {
    const problems = new Problems();
    if (row.problem) problems.add("row", row.problem);
    const id = cell(row, idColumn).trim();
    const lines = linesOf.get(id) ?? [];
    if (lines.length > 1) {
      problems.add(idColumn, `Id ${id} appears more than once in the file (lines ${lines.join(", ")})`);
    }
    return kind === "agents"
      ? planAgent(row, id, snapshot, options.sync, problems)
      : planQueue(row, id, snapshot, problems);
  });
}

function planAgent(
  row: CsvRow,
  id: string,
  snapshot: Snapshot,
  sync: boolean,
  problems: Problems,
): PlannedRow {
  const existing = snapshot.agents.get(id);
  // Ids and names already in the registry keep working as they are; a new one follows today's rules.
  problems.check("agent_id", id, existing ? agentIdSchema : newAgentIdSchema, "Agent id");
  const name =
    keptName(cell(row, "agent_name"), existing?.name) ??
    problems.check("agent_name", cell(row, "agent_name"), nameSchema, "Agent name");
  const password = cell(row, "agent_pass");
  if (password !== "") {
    const parsed = agentPasswordSchema.safeParse(password);
    if (!parsed.success)
      problems.add("agent_pass", parsed.error.issues[0]?.message ?? "Password is not valid");
  }
  const outQueueId = problems.check(
    "agent_out_q",
    cell(row, "agent_out_q").trim(),
    queueIdSchema,
    "Out queue",
  );
  if (outQueueId !== null && !snapshot.queues.has(outQueueId)) {
    problems.add("agent_out_q", `Queue ${outQueueId} does not exist in the console; import the queues first`);
  }
  const queueIds = readQueueList(cell(row, "queues"), snapshot, problems);
  if (existing && !existing.active) {
    problems.add(
      "agent_id",
      `Agent id ${id} belonged to a deleted agent; the PBX refuses it forever, so it can never be used again`,
    );
  }
  if (!existing && password === "") problems.add("agent_pass", "A password is required for a new agent");

  const base = { line: row.line, id, name };
  if (problems.any() || name === null || outQueueId === null || queueIds === null) {
    return { row: { ...base, plan: "error", changes: [], ...problems.report() }, op: null };
  }

  if (!existing) {
    const changes: ImportChange[] = [
      { field: "agent_name", from: null, to: name },
      { field: "agent_out_q", from: null, to: outQueueId },
      { field: "agent_pass", from: null, to: null },
    ];
    if (queueIds.length > 0) changes.push({ field: "queues", from: null, to: joinIds(queueIds) });
    return {
      row: { ...base, plan: "create", changes, error: null, fields: {} },
      op: { kind: "createAgent", agent: { id, name, password, outQueueId }, assign: queueIds },
    };
  }

  const changes: ImportChange[] = [];
  const edit: { name?: string; outQueueId?: string; password?: string } = {};
  if (name !== existing.name) {
    changes.push({ field: "agent_name", from: existing.name, to: name });
    edit.name = name;
  }
  if (outQueueId !== existing.outQueueId) {
    changes.push({ field: "agent_out_q", from: existing.outQueueId, to: outQueueId });
    edit.outQueueId = outQueueId;
  }
  // An empty password keeps the agent's password (exports never carry one).
  let verify: { password: string; hash: string } | null = null;
  if (password !== "") {
    changes.push({ field: "agent_pass", from: null, to: null });
    if (existing.passwordHash) verify = { password, hash: existing.passwordHash };
    else edit.password = password;
  }
  const current = new Set(existing.queueIds);
  const wanted = new Set(queueIds);
  const assign = queueIds.filter((queueId) => !current.has(queueId));
  const release = sync ? existing.queueIds.filter((queueId) => !wanted.has(queueId)) : [];
  if (assign.length > 0 || release.length > 0) {
    const after = [...existing.queueIds.filter((queueId) => !release.includes(queueId)), ...assign];
    changes.push({ field: "queues", from: joinIds(existing.queueIds), to: joinIds(after.sort(byNumericId)) });
  }
  if (changes.length === 0) {
    return { row: { ...base, plan: "unchanged", changes, error: null, fields: {} }, op: null };
  }
  return {
    row: { ...base, plan: "update", changes, error: null, fields: {} },
    op: { kind: "updateAgent", id, edit, verify, assign, release },
  };
}

function planQueue(row: CsvRow, id: string, snapshot: Snapshot, problems: Problems): PlannedRow {
  const existing = snapshot.queues.get(id);
  problems.check("queue_id", id, existing === undefined ? newQueueIdSchema : queueIdSchema, "Queue id");
  const name =
    keptName(cell(row, "queue_name"), existing) ??
    problems.check("queue_name", cell(row, "queue_name"), nameSchema, "Queue name");
  const base = { line: row.line, id, name };
  if (problems.any() || name === null) {
    return { row: { ...base, plan: "error", changes: [], ...problems.report() }, op: null };
  }
  if (existing === undefined) {
    return {
      row: {
        ...base,
        plan: "create",
        changes: [{ field: "queue_name", from: null, to: name }],
        error: null,
        fields: {},
      },
      op: { kind: "createQueue", queue: { id, name } },
    };
  }
  if (existing === name) {
    return { row: { ...base, plan: "unchanged", changes: [], error: null, fields: {} }, op: null };
  }
  return {
    row: {
      ...base,
      plan: "update",
      changes: [{ field: "queue_name", from: existing, to: name }],
      error: null,
      fields: {},
    },
    op: { kind: "updateQueue", id, name },
  };
}

/**
 * The registry's name when the file repeats it: a name stored before today's rules (one with a format
 * character, say) is no change, so re-importing an export never fails on it.
 */
function keptName(cell: string, stored: string | undefined): string | null {
  return stored !== undefined && cell.trim() === stored ? stored : null;
}

/** The `queues` column: `;`-separated queue ids, each known to the console; blanks and repeats ignored. */
function readQueueList(text: string, snapshot: Snapshot, problems: Problems): string[] | null {
  const ids = [
    ...new Set(
      text
        .split(CSV_QUEUE_SEPARATOR)
        .map((part) => part.trim())
        .filter((part) => part !== ""),
    ),
  ];
  const malformed = ids.filter((queueId) => !queueIdSchema.safeParse(queueId).success);
  if (malformed.length > 0) {
    problems.add(
      "queues",
      `${malformed.map((q) => `"${q}"`).join(", ")} ${malformed.length === 1 ? "is not a queue id" : "are not queue ids"} (1 to 10 digits, separated by ${CSV_QUEUE_SEPARATOR})`,
    );
    return null;
  }
  const unknown = ids.filter((queueId) => !snapshot.queues.has(queueId));
  if (unknown.length > 0) {
    problems.add(
      "queues",
      `${unknown.length === 1 ? "Queue" : "Queues"} ${unknown.join(", ")} ${unknown.length === 1 ? "does" : "do"} not exist in the console; import the queues first`,
    );
    return null;
  }
  return ids;
}

/** Decides the password of an existing agent: unchanged when it verifies against the stored hash. */
export async function settlePassword(planned: PlannedRow, limit: Limiter): Promise<void> {
  const op = planned.op;
  if (op?.kind !== "updateAgent" || op.verify === null) return;
  const { password, hash } = op.verify;
  const same = await limit(() => verifyPassword(password, hash));
  op.verify = null;
  if (!same) {
    op.edit.password = password;
    return;
  }
  planned.row.changes = planned.row.changes.filter((change) => change.field !== "agent_pass");
  if (planned.row.changes.length === 0) {
    planned.row.plan = "unchanged";
    planned.op = null;
  }
}

export function summarize(rows: { plan: ImportPlanRow["plan"] }[]): ImportPlanSummary {
  const summary = Object.fromEntries([
    ["total", rows.length],
    ...importPlanKinds.map((k) => [k, 0]),
  ]) as ImportPlanSummary;
  for (const row of rows) summary[row.plan] += 1;
  return summary;
}

/** Problems of one row, by CSV column; the first problem of a column wins. */
class Problems {
  private readonly fields: Record<string, string> = {};

  add(field: string, message: string): void {
    this.fields[field] ??= message;
  }

  any(): boolean {
    return Object.keys(this.fields).length > 0;
  }

  /** Validates with the contract's schema; returns the parsed value, or null after recording the problem. */
  check(field: string, value: string, schema: ZodType<string>, label: string): string | null {
    if (value.trim() === "") {
      this.add(field, `${label} is required`);
      return null;
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    this.add(field, parsed.error.issues[0]?.message ?? `${label} is not valid`);
    return null;
  }

  report(): { error: string; fields: Record<string, string> } {
    const fields = { ...this.fields };
    const error = Object.entries(fields)
      .map(([field, message]) => `${field}: ${message}`)
      .join("; ");
    return { error, fields };
  }
}

function joinIds(ids: string[]): string {
  return ids.join(CSV_QUEUE_SEPARATOR);
}

function byNumericId(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
