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
};

export type UsersTable = {
  username: string;
  role: "admin" | "supervisor";
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
  role: "admin" | "supervisor" | "agent";
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

export type AgentRow = Selectable<AgentsTable>;
export type UserRow = Selectable<UsersTable>;
