// The admins' alert rules: a limit per pause reason and a minimum of online agents per queue. The limit of a
// pause without a reason is the pause_limits row of the empty reason (no pause reason is empty).
import type { Policy } from "@crystal-console/api";
import type { Kysely } from "kysely";
import type { Database } from "./schema.ts";

type Db = Kysely<Database>;

const NO_REASON = "";

/** The policy as stored; a queue's minimum goes with the queue (it is read only for queues that exist). */
export async function readPolicy(db: Db): Promise<Policy> {
  const limits = await db.selectFrom("pause_limits").select(["reason", "seconds"]).execute();
  const minimums = await db
    .selectFrom("queue_minimums")
    .innerJoin("queues", "queues.id", "queue_minimums.queue_id")
    .select(["queue_minimums.queue_id", "queue_minimums.minimum"])
    .execute();
  const noReason = limits.find((row) => row.reason === NO_REASON);
  return {
    pauseLimitSeconds: Object.fromEntries(
      limits.filter((row) => row.reason !== NO_REASON).map((row) => [row.reason, Number(row.seconds)]),
    ),
    ...(noReason ? { noReasonLimitSeconds: Number(noReason.seconds) } : {}),
    queueMinimumOnline: Object.fromEntries(minimums.map((row) => [row.queue_id, Number(row.minimum)])),
  };
}

/** Replaces the whole policy (in the caller's transaction). */
export async function replacePolicy(db: Db, policy: Policy): Promise<void> {
  await db.deleteFrom("pause_limits").execute();
  await db.deleteFrom("queue_minimums").execute();
  const limits = Object.entries(policy.pauseLimitSeconds).map(([reason, seconds]) => ({ reason, seconds }));
  if (policy.noReasonLimitSeconds !== undefined)
    limits.push({ reason: NO_REASON, seconds: policy.noReasonLimitSeconds });
  const minimums = Object.entries(policy.queueMinimumOnline).map(([queue_id, minimum]) => ({
    queue_id,
    minimum,
  }));
  if (limits.length > 0) await db.insertInto("pause_limits").values(limits).execute();
  if (minimums.length > 0) await db.insertInto("queue_minimums").values(minimums).execute();
}
