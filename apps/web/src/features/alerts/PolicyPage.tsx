// The admin's alert rules: a limit per pause reason (in minutes), one for a pause without a reason, and a
// minimum of online agents per queue.
// An empty box means no rule. Saved as one policy (PUT /api/policy, audited).
import type { Policy } from "@crystal-console/api";
import { useState, type FormEvent } from "react";
import { useT } from "../../i18n/i18n.tsx";
import { showToast } from "../../lib/toast.tsx";
import { ErrorNotice, PageHeader, Spinner, buttonClass, inputClass } from "../../lib/ui.tsx";
import { usePauseReasons } from "../agents/queries.ts";
import { PauseReason } from "../agents/state.tsx";
import { useQueues } from "../queues/queries.ts";
import { usePolicy, useSavePolicy } from "./queries.ts";

type Draft = { limits: Record<string, string>; noReason: string; minimums: Record<string, string> };

/** The box of a reason's limit or a queue's minimum, as `policyOf` names those it refuses. */
const limitBox = (reason: string) => ["limit", reason].join(":");
const minimumBox = (queueId: string) => ["minimum", queueId].join(":");
const NO_REASON_BOX = "noReason";

const minutesOf = (seconds: number) => String(Math.round((seconds / 60) * 100) / 100);

function draftOf(policy: Policy): Draft {
  const limits: Record<string, string> = {};
  for (const [reason, seconds] of Object.entries(policy.pauseLimitSeconds))
    limits[reason] = minutesOf(seconds);
  const minimums: Record<string, string> = {};
  for (const [queueId, minimum] of Object.entries(policy.queueMinimumOnline))
    minimums[queueId] = String(minimum);
  const noReason = policy.noReasonLimitSeconds === undefined ? "" : minutesOf(policy.noReasonLimitSeconds);
  return { limits, noReason, minimums };
}

// Plain text boxes, read here: a number box would hand over "" for what it cannot parse ("1e", "5-"), and
// that would save as "no rule", losing the one stored.
const decimal = /^\d+(\.\d+)?$/;
const whole = /^\d+$/;

/** Seconds from a box of minutes: undefined when empty, null when not a limit the server would take. */
function limitSeconds(text: string): number | null | undefined {
  if (text.trim() === "") return undefined;
  const seconds = decimal.test(text.trim()) ? Math.round(Number(text) * 60) : NaN;
  return Number.isFinite(seconds) && seconds >= 1 && seconds <= 86_400 ? seconds : null;
}

/** The policy a draft says, or the boxes that are not numbers the server would take. */
function policyOf(draft: Draft): { policy: Policy; invalid: string[] } {
  const policy: Policy = { pauseLimitSeconds: {}, queueMinimumOnline: {} };
  const invalid: string[] = [];
  for (const [reason, text] of Object.entries(draft.limits)) {
    const seconds = limitSeconds(text);
    if (seconds === null) invalid.push(limitBox(reason));
    else if (seconds !== undefined) policy.pauseLimitSeconds[reason] = seconds;
  }
  const noReason = limitSeconds(draft.noReason);
  if (noReason === null) invalid.push(NO_REASON_BOX);
  else if (noReason !== undefined) policy.noReasonLimitSeconds = noReason;
  for (const [queueId, text] of Object.entries(draft.minimums)) {
    if (text.trim() === "") continue;
    const minimum = whole.test(text.trim()) ? Number(text) : NaN;
    if (!Number.isInteger(minimum) || minimum < 1 || minimum > 10_000) invalid.push(minimumBox(queueId));
    else policy.queueMinimumOnline[queueId] = minimum;
  }
  return { policy, invalid };
}

export default function PolicyPage() {
  const policy = usePolicy();
  const reasons = usePauseReasons();
  const queues = useQueues();
  const t = useT();
  if (policy.isPending || reasons.isPending || queues.isPending)
    return <Spinner label={t("policy.loading")} />;
  if (policy.isError) return <ErrorNotice title={t("policy.loadFailed")} error={policy.error} />;
  if (reasons.isError) return <ErrorNotice title={t("policy.loadFailed")} error={reasons.error} />;
  if (queues.isError) return <ErrorNotice title={t("queues.loadFailed")} error={queues.error} />;
  const sortedQueues = [...queues.data].sort(
    (a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id),
  );
  return <PolicyForm initial={draftOf(policy.data)} reasons={reasons.data} queues={sortedQueues} />;
}

function PolicyForm({
  initial,
  reasons,
  queues,
}: {
  initial: Draft;
  reasons: string[];
  queues: { id: string; name: string }[];
}) {
  const t = useT();
  const save = useSavePolicy();
  const [draft, setDraft] = useState(initial);
  const [invalid, setInvalid] = useState<string[]>([]);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const result = policyOf(draft);
    setInvalid(result.invalid);
    if (result.invalid.length > 0) return;
    save.mutate(result.policy, { onSuccess: () => showToast("success", "policy.saved") });
  }

  return (
    <main className="mx-auto w-full max-w-4xl p-3 sm:p-6">
      <PageHeader title={t("policy.title")} />
      <p className="mb-4 text-sm text-slate-700">{t("policy.intro")}</p>
      <form onSubmit={onSubmit} className="space-y-6" noValidate>
        <section className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200">
          <h2 className="font-semibold">{t("policy.pauseLimits")}</h2>
          <p className="mb-3 text-xs text-slate-600">{t("policy.pauseLimitsHint")}</p>
          <div className="grid gap-3 sm:grid-cols-2">
            {reasons.map((reason) => {
              const key = limitBox(reason);
              return (
                <label key={reason} className="block text-sm font-medium">
                  <PauseReason reason={reason} />
                  <input
                    type="text"
                    inputMode="decimal"
                    dir="ltr"
                    value={draft.limits[reason] ?? ""}
                    aria-invalid={invalid.includes(key)}
                    onChange={(event) =>
                      setDraft({ ...draft, limits: { ...draft.limits, [reason]: event.target.value } })
                    }
                    className={`${inputClass} mt-1`}
                    placeholder={t("policy.noLimit")}
                  />
                  {invalid.includes(key) && (
                    <span className="text-xs text-red-800">{t("policy.badLimit")}</span>
                  )}
                </label>
              );
            })}
            <label className="block text-sm font-medium">
              {t("policy.noReason.label")}
              <input
                type="text"
                inputMode="decimal"
                dir="ltr"
                value={draft.noReason}
                aria-invalid={invalid.includes(NO_REASON_BOX)}
                onChange={(event) => setDraft({ ...draft, noReason: event.target.value })}
                className={`${inputClass} mt-1`}
                placeholder={t("policy.noLimit")}
              />
              {invalid.includes(NO_REASON_BOX) && (
                <span className="text-xs text-red-800">{t("policy.badLimit")}</span>
              )}
            </label>
          </div>
        </section>
        <section className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200">
          <h2 className="font-semibold">{t("policy.queueMinimums")}</h2>
          <p className="mb-3 text-xs text-slate-600">{t("policy.queueMinimumsHint")}</p>
          {queues.length === 0 ? (
            <p className="text-sm text-slate-600">{t("queues.none")}</p>
          ) : (
            <div className="grid gap-3 sm:grid-cols-2">
              {queues.map((queue) => {
                const key = minimumBox(queue.id);
                return (
                  <label key={queue.id} className="block text-sm font-medium">
                    <bdi>{queue.name}</bdi>{" "}
                    <bdi dir="ltr" className="text-xs text-slate-600">
                      #{queue.id}
                    </bdi>
                    <input
                      type="text"
                      inputMode="numeric"
                      dir="ltr"
                      value={draft.minimums[queue.id] ?? ""}
                      aria-invalid={invalid.includes(key)}
                      onChange={(event) =>
                        setDraft({
                          ...draft,
                          minimums: { ...draft.minimums, [queue.id]: event.target.value },
                        })
                      }
                      className={`${inputClass} mt-1`}
                      placeholder={t("policy.noMinimum")}
                    />
                    {invalid.includes(key) && (
                      <span className="text-xs text-red-800">{t("policy.badMinimum")}</span>
                    )}
                  </label>
                );
              })}
            </div>
          )}
        </section>
        <button type="submit" className={buttonClass("primary")} disabled={save.isPending}>
          {t("policy.save")}
        </button>
      </form>
    </main>
  );
}
