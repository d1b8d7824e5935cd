// POST /api/agents/state: one state change for many agents. Each agent goes through the one write path on
// its own (changeAgentState: its turn, one PBX call, one commit), a few at a time, and is never sent twice:
// an unknown outcome stays unknown here and is settled by its single follow-up, like any other write.
import type { BulkStateRequest, BulkStateResult } from "@crystal-console/api";
import { HttpError } from "../http/errors.ts";
import { getAgent } from "../registry/read.ts";
import { type AgentDeps, changeAgentState } from "./service.ts";

/** Agents changed at once: enough to log off a team in a few seconds, few enough to keep the PBX calm. */
export const BULK_CONCURRENCY = 8;

export async function changeManyStates(
  deps: AgentDeps,
  actor: string,
  request: BulkStateRequest,
): Promise<BulkStateResult[]> {
  // An agent named twice is changed once.
  const agentIds = [...new Set(request.agentIds)];
  const single =
    request.action === "pause"
      ? { action: request.action, ...(request.reason ? { reason: request.reason } : {}) }
      : { action: request.action };
  const results = new Array<BulkStateResult>(agentIds.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < agentIds.length; index = next++) {
      const agentId = agentIds[index];
      if (agentId !== undefined) results[index] = await changeOne(deps, actor, agentId, single);
    }
  };
  await Promise.all(Array.from({ length: Math.min(BULK_CONCURRENCY, agentIds.length) }, worker));
  return results;
}

async function changeOne(
  deps: AgentDeps,
  actor: string,
  agentId: string,
  request: Parameters<typeof changeAgentState>[3],
): Promise<BulkStateResult> {
  try {
    const outcome = await changeAgentState(deps, actor, agentId, request);
    switch (outcome.kind) {
      case "created":
      case "adopted":
      case "changed":
        return { agentId, outcome: "ok", agent: outcome.value };
      case "converged":
        return { agentId, outcome: "converged", agent: outcome.value };
      case "refused": {
        // A refusal may have corrected the registry (answer 5: logged off): say where the agent is now.
        const agent = await getAgent(deps.db, agentId);
        return {
          agentId,
          outcome: "refused",
          ...(agent ? { agent } : {}),
          error: outcome.error.toBody().error,
        };
      }
      case "failed":
      case "unknown":
        return { agentId, outcome: outcome.kind, error: outcome.error.toBody().error };
    }
  } catch (error) {
    // Refused before anything was sent (no such agent, another change still waiting: BUSY).
    if (error instanceof HttpError) return { agentId, outcome: "failed", error: error.toBody().error };
    throw error;
  }
}
