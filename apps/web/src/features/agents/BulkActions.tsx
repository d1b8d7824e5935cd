// The board's selection acts on many agents at once: log off, pause with a reason, online or mission
// (POST /api/agents/state; login takes one extension per agent, so it stays one by one). The summary says
// what happened to each agent, with the PBX's own words for each refusal.
import type { AgentStateAction, Agent, BulkStateRequest, BulkStateResult } from "@crystal-console/api";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useT, type MessageKey } from "../../i18n/i18n.tsx";
import { ApiRequestError, api, describeError } from "../../lib/api.ts";
import { PbxAnswer } from "../../lib/PbxAnswer.tsx";
import { Dialog, buttonClass } from "../../lib/ui.tsx";
import { upsertAgent } from "./queries.ts";
import { actionLabels } from "./state.tsx";
import { PauseForm } from "./StateDialogs.tsx";

type BulkAction = BulkStateRequest["action"];
const bulkActions: BulkAction[] = ["pause", "online", "mission", "logoff"];

const outcomeLabels: Record<BulkStateResult["outcome"], MessageKey> = {
  ok: "bulk.ok",
  converged: "bulk.converged",
  refused: "bulk.refused",
  failed: "bulk.failed",
  unknown: "bulk.unknown",
};

export function useChangeManyStates() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { errorContext: "toast.stateNotChanged" },
    mutationFn: (request: BulkStateRequest) => api("POST /agents/state", { body: request }),
    onSuccess: ({ results }) => {
      for (const result of results) if (result.agent) upsertAgent(queryClient, result.agent);
    },
  });
}

export function BulkStateActions({
  agentIds,
  agentsById,
}: {
  agentIds: string[];
  agentsById: Map<string, Agent>;
}) {
  const t = useT();
  const change = useChangeManyStates();
  const [pausing, setPausing] = useState(false);
  const [summary, setSummary] = useState<{ action: BulkAction; results: BulkStateResult[] } | null>(null);

  function run(action: BulkAction, reason?: string) {
    const request: BulkStateRequest = { agentIds, action, ...(reason ? { reason } : {}) };
    change.mutate(request, { onSuccess: ({ results }) => setSummary({ action, results }) });
  }

  return (
    <>
      <span
        role="group"
        aria-label={t("bulk.group", { count: agentIds.length })}
        className="flex flex-wrap gap-1"
      >
        {bulkActions.map((action) => (
          <button
            key={action}
            type="button"
            className={buttonClass("secondary", "sm")}
            disabled={change.isPending}
            onClick={() => (action === "pause" ? setPausing(true) : run(action))}
          >
            {t("bulk.action", {
              action: t(actionLabels[action as AgentStateAction]),
              count: agentIds.length,
            })}
          </button>
        ))}
        {change.isPending && <span className="text-xs text-slate-600">{t("bulk.running")}</span>}
      </span>
      <Dialog
        open={pausing}
        onClose={() => setPausing(false)}
        title={t("bulk.pauseTitle", { count: agentIds.length })}
      >
        <PauseForm
          onCancel={() => setPausing(false)}
          onPause={(reason) => {
            setPausing(false);
            run("pause", reason);
          }}
        />
      </Dialog>
      <Dialog open={summary !== null} onClose={() => setSummary(null)} title={t("bulk.summaryTitle")} wide>
        {summary && <Summary action={summary.action} results={summary.results} agentsById={agentsById} />}
      </Dialog>
    </>
  );
}

function Summary({
  action,
  results,
  agentsById,
}: {
  action: BulkAction;
  results: BulkStateResult[];
  agentsById: Map<string, Agent>;
}) {
  const t = useT();
  const counts = new Map<BulkStateResult["outcome"], number>();
  for (const result of results) counts.set(result.outcome, (counts.get(result.outcome) ?? 0) + 1);
  const problems = results.filter((result) => result.outcome !== "ok" && result.outcome !== "converged");
  return (
    <div className="space-y-3 text-sm">
      <p>
        {t("bulk.summaryIntro", {
          action: t(actionLabels[action as AgentStateAction]),
          count: results.length,
        })}
      </p>
      <ul aria-label={t("bulk.byOutcome")} className="flex flex-wrap gap-2">
        {[...counts].map(([outcome, count]) => (
          <li key={outcome} className="rounded-full bg-slate-100 px-2 py-0.5">
            {t(outcomeLabels[outcome], { count })}
          </li>
        ))}
      </ul>
      {problems.length > 0 && (
        <ul aria-label={t("bulk.problems")} className="max-h-80 space-y-2 overflow-y-auto">
          {problems.map((result) => {
            const described = result.error ? describeError(new ApiRequestError(0, result.error)) : null;
            return (
              <li key={result.agentId} className="rounded-md border border-red-200 bg-red-50 px-3 py-2">
                <p className="font-medium">
                  <bdi>{agentsById.get(result.agentId)?.name ?? result.agentId}</bdi>{" "}
                  <bdi dir="ltr" className="font-mono text-xs">
                    {result.agentId}
                  </bdi>{" "}
                  · {t(outcomeLabels[result.outcome], { count: 1 })}
                </p>
                {described && <p>{described.title}</p>}
                {result.error?.pbx && (
                  <p className="text-xs">
                    <PbxAnswer pbx={result.error.pbx} />
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
