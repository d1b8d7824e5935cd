// GET /api/alerts (the board, the wallboard), GET and PUT /api/policy (the admins' alert rules).
import type { Policy } from "@crystal-console/api";
import { recordAudit } from "../audit/audit.ts";
import { currentUser } from "../auth/middleware.ts";
import type { ConsoleDeps } from "../deps.ts";
import { handlers } from "../http/contract.ts";
import { validationError } from "../http/errors.ts";
import { listAlerts } from "../registry/alerts.ts";
import { transact } from "../registry/open.ts";
import { readPolicy, replacePolicy } from "../registry/policy.ts";
import { queueExists } from "../registry/read.ts";

export function alertRoutes(deps: ConsoleDeps) {
  return handlers({
    "GET /alerts": async (_c, reply) => reply(200, { alerts: await listAlerts(deps.db) }),
    "GET /policy": async (_c, reply) => reply(200, { policy: await readPolicy(deps.db) }),
    "PUT /policy": async (c, reply) => {
      const policy = c.req.valid("json");
      await checkPolicy(deps, policy);
      await transact(deps.db, async (tx) => {
        await replacePolicy(tx, policy);
        await recordAudit(tx, {
          actor: currentUser(c).username,
          action: "set_policy",
          params: auditParams(policy),
          outcome: "ok",
        });
      });
      const saved = await readPolicy(deps.db);
      deps.alerts.usePolicy(saved);
      return reply(200, { policy: saved });
    },
  });
}
/** 400 naming each reason the console does not offer and each queue it does not have. */
async function checkPolicy(deps: ConsoleDeps, policy: Policy): Promise<void> {
  const fields: Record<string, string> = {};
  const reasons: Record<string, "unlisted_reason" | "unknown_queue"> = {};
  for (const reason of Object.keys(policy.pauseLimitSeconds)) {
    if (deps.config.pauseReasons.includes(reason)) continue;
    fields[`pauseLimitSeconds.${reason}`] = `Reason must be one of: ${deps.config.pauseReasons.join(", ")}`;
    reasons[`pauseLimitSeconds.${reason}`] = "unlisted_reason";
  }
  for (const queueId of Object.keys(policy.queueMinimumOnline)) {
    if (await queueExists(deps.db, queueId)) continue;
    fields[`queueMinimumOnline.${queueId}`] = `Queue ${queueId} does not exist in the console`;
    reasons[`queueMinimumOnline.${queueId}`] = "unknown_queue";
  }
  if (Object.keys(fields).length > 0)
    throw validationError(fields, "The policy names what the console does not have.", reasons);
}

function auditParams(policy: Policy): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [reason, seconds] of Object.entries(policy.pauseLimitSeconds))
    params[`pauseLimitSeconds.${reason}`] = String(seconds);
  if (policy.noReasonLimitSeconds !== undefined)
    params.noReasonLimitSeconds = String(policy.noReasonLimitSeconds);
  for (const [queueId, minimum] of Object.entries(policy.queueMinimumOnline))
    params[`queueMinimumOnline.${queueId}`] = String(minimum);
  return params;
}
