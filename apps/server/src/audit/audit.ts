// The audit log: every attempted change, who, what, to whom, when, and what the PBX answered.
// Parameters are recorded without passwords; the PBX secure code is never part of them.
import type { AuditEntry } from "@crystal-console/api";
import { type AuditRow, insertAudit } from "../registry/audit.ts";
import type { Registry } from "../registry/open.ts";

export type AuditRecord = {
  actor: string;
  action: string;
  agentId?: string | undefined;
  queueId?: string | undefined;
  params?: Record<string, string>;
  pbx?: { code: number; message: string } | null;
  outcome: AuditEntry["outcome"];
  detail?: string | null;
};

const SECRET_PARAMS = new Set(["password", "agent_pass", "secure"]);

/** The row an audit record is stored as, with secret parameters masked. */
export function auditRow(entry: AuditRecord): AuditRow {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(entry.params ?? {}))
    params[key] = SECRET_PARAMS.has(key) ? "***" : value;
  return {
    at: new Date().toISOString(),
    actor: entry.actor,
    action: entry.action,
    agent_id: entry.agentId ?? null,
    queue_id: entry.queueId ?? null,
    params: JSON.stringify(params),
    pbx_code: entry.pbx?.code ?? null,
    pbx_message: entry.pbx?.message ?? null,
    outcome: entry.outcome,
    detail: entry.detail ?? null,
  };
}

/** Audits a change that is not a PBX write (sign-in, console users), in `db` or the transaction given. */
export async function recordAudit(db: Registry, entry: AuditRecord): Promise<void> {
  await insertAudit(db, auditRow(entry));
}
