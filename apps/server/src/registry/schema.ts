// The registry's tables: what the console keeps, since the PBX can never tell anyone what exists.
import type { Generated, Selectable } from "kysely";

export type Database = {
  users: UsersTable;
  sessions: SessionsTable;
  agents: AgentsTable;
  queues: QueuesTable;
  memberships: MembershipsTable;
  audit: AuditTable;
  events: EventsTable;
  instances: InstancesTable;
  fact_locks: FactLocksTable;
  settles: SettlesTable;
  import_jobs: ImportJobsTable;
  pause_limits: PauseLimitsTable;
  queue_minimums: QueueMinimumsTable;
  alerts: AlertsTable;
  state_history: StateHistoryTable;
  state_rollups: StateRollupsTable;
  state_history_spans: StateHistorySpansTable;
  state_rollup_months: StateRollupMonthsTable;
  state_rollup_agent_days: StateRollupAgentDaysTable;
  state_rollup_zone: { time_zone: string; kept_from: Generated<string> };
};

export type UsersTable = {
  username: string;
  role: "admin" | "supervisor" | "viewer";
  password_hash: string;
  disabled: number;
  created_at: string;
  /** The language the person chose in the SPA (one of the contract's `languages`); null until they do. */
  language?: string | null;
};

export type SessionsTable = {
  /** sha256 of the session token: the token itself is only ever in the browser's cookie. */
  id_hash: string;
  username: string;
  role: "admin" | "supervisor" | "viewer" | "agent";
  agent_id: string | null;
  created_at: number;
  last_seen_at: number;
};

export type AgentsTable = {
  id: string;
  name: string;
  out_queue_id: string;
  /** scrypt hash of the agent password, kept whenever the console sets it (agents sign in with it). */
  password_hash: string | null;
  /** 0 once deleted: the PBX keeps the id inactive forever, so the console keeps it too. */
  active: number;
  status: "logged_off" | "online" | "paused" | "mission";
  extension: string | null;
  status_since: string;
  status_by: string | null;
  pause_reason: string | null;
  confirmed: number;
  /** The language the agent chose on its own page; null until it does. */
  language?: string | null;
};

export type QueuesTable = {
  id: string;
  name: string;
};

export type MembershipsTable = {
  agent_id: string;
  queue_id: string;
};

export type AuditTable = {
  id: Generated<number>;
  at: string;
  actor: string;
  action: string;
  agent_id: string | null;
  queue_id: string | null;
  params: string;
  pbx_code: number | null;
  pbx_message: string | null;
  outcome: "ok" | "converged" | "refused" | "failed" | "unknown";
  detail: string | null;
};

export type EventsTable = {
  id: Generated<number>;
  at: string;
  type: string;
  data: string;
};

/** Console processes on this registry, each with a heartbeat: a stale one is taken for dead. */
export type InstancesTable = {
  id: string;
  started_at: number;
  heartbeat_at: number;
};

/**
 * The per-fact order (design.md rule 8): a row while one PBX write on the fact is in flight. Taken by a
 * conditional insert before the PBX call, deleted in the transaction that commits its outcome.
 */
export type FactLocksTable = {
  /** `agent:<id>`, `membership:<agentId>:<queueId>` or `queue:<id>`. */
  fact: string;
  holder: string;
  /** Random per acquisition: a commit releases only its own lease. */
  token: string;
  /** The attempt in flight (PbxAttempt as JSON, no secrets): what to settle if the holder dies. */
  attempt: string;
  acquired_at: number;
  expires_at: number;
};

/**
 * Facts the PBX has not confirmed. `pending`: one follow-up "ensure" is due at `due_at`; `claimed`: an
 * instance is sending it; `unsettled`: no follow-up will be sent (its own outcome was unknown, or the answer
 * left the fact unknown), until a person's next change on the fact settles it.
 */
export type SettlesTable = {
  /** The fact and its part: `agent:<id>:state`, `agent:<id>:profile`, `agent:<id>`, `membership:...`, `queue:<id>`. */
  fact: string;
  /** The agent whose `confirmed` flag this row clears, if any. */
  agent_id: string | null;
  state: "pending" | "claimed" | "unsettled";
  /** The attempt to send once more (PbxAttempt as JSON), or null when there is nothing to send. */
  attempt: string | null;
  reason: string;
  due_at: number;
  claimed_by: string | null;
  claim_expires_at: number | null;
};

/** Import jobs, readable and cancellable from any instance; one running at a time (a unique index). */
export type ImportJobsTable = {
  id: string;
  kind: "agents" | "queues";
  /** "running" rows carry `running_slot` = 1, unique: a second running job cannot be inserted. */
  status: "running" | "done" | "cancelled" | "failed" | "interrupted";
  running_slot: number | null;
  instance_id: string;
  by_user: string;
  started_at: string;
  finished_at: string | null;
  cancel_requested: number;
  /** The job as the API shows it (ImportJob without its live counters), JSON. */
  job: string;
  updated_at: number;
};

/** The admins' alert rules (PUT /api/policy): a pause with this reason is overdue after `seconds`. */
export type PauseLimitsTable = { reason: string; seconds: number };
/** A queue with fewer than `minimum` agents online is understaffed. */
export type QueueMinimumsTable = { queue_id: string; minimum: number };
/** The alerts in force, by key (`pause_overdue:<agentId>`, `queue_understaffed:<queueId>`); `alert` is JSON. */
export type AlertsTable = { key: string; alert: string };

/** What caused a state interval: a person, the agent itself, an import, a settle, or a PBX answer's correction. */
export type HistoryCause = "person" | "agent" | "import" | "settle" | "correction";

/**
 * One state interval of one agent (commit.ts writes them; history.ts reads them). `ended_at` is null for the
 * open one. `start_late`/`end_late` mark a boundary the console learned after the fact (a PBX answer that
 * revealed the real state, a settled unknown outcome): the change happened at or before that time.
 */
export type StateHistoryTable = {
  id: Generated<number>;
  agent_id: string;
  status: AgentsTable["status"];
  extension: string | null;
  reason: string | null;
  started_at: number;
  ended_at: number | null;
  confirmed: number;
  by_actor: string | null;
  cause: HistoryCause;
  start_late: number;
  end_late: number;
  /** 1 when the status, extension or reason changed from the interval before; 0 when only `confirmed` did. */
  starts_state: number;
  prev_status: AgentsTable["status"] | null;
};

/**
 * One day's closed intervals of one agent in one status, reason ('' for none) and confirmation, added up
 * (rollups.ts): the day is a date of the zone in state_rollup_zone; only intervals within that day count.
 */
export type StateRollupsTable = {
  id: Generated<number>;
  day: string;
  agent_id: string;
  status: AgentsTable["status"];
  reason: string;
  confirmed: number;
  ms: number;
  /** Intervals that started a state (`starts_state`): pauses, logins and logoffs are counted by them. */
  starts: number;
  longest: number;
  /** The earliest start of a logged-in interval; the latest start of a logoff after a logged-in state. */
  first_in: number | null;
  last_off: number | null;
};

/** A closed interval that crosses a midnight of the rollups' zone (or lasts no time at one), copied whole. */
/** A month's rollups (rollup-months.ts): the month (YYYY-MM) of its days' rollups and of the spans within it. */
export type StateRollupMonthsTable = Omit<StateRollupsTable, "day"> & { month: string };

/** One agent's totals of one day (milliseconds), the parts of spans in that day included (rollup-months.ts). */
export type StateRollupAgentDaysTable = {
  id: Generated<number>;
  day: string;
  agent_id: string;
  logged_in: number;
  online: number;
  paused: number;
  mission: number;
  unconfirmed: number;
};

export type StateHistorySpansTable = Pick<
  StateHistoryTable,
  "agent_id" | "status" | "reason" | "confirmed" | "started_at" | "starts_state" | "prev_status"
> & { id: number; ended_at: number };

export type AgentRow = Selectable<AgentsTable>;
export type HistoryRow = Selectable<StateHistoryTable>;
export type UserRow = Selectable<UsersTable>;
