// The audit page: a table of every change and its outcome, filtered by person, agent, queue, action and
// time, paged backwards from the newest entry.
import { auditQuerySchema, type AuditEntry } from "@crystal-console/api";
import { useState, type FormEvent } from "react";
import { formString, zodErrors, type FormErrors } from "../../lib/forms.ts";
import { currentLanguage, hasMessage, useFormat, useT, type MessageKey } from "../../i18n/i18n.tsx";
import { API_LANGUAGE } from "../../lib/api.ts";
import { localInputToIso } from "../../lib/time.ts";
import { PbxAnswer } from "../../lib/PbxAnswer.tsx";
import {
  ErrorNotice,
  Field,
  PageHeader,
  Spinner,
  buttonClass,
  inputClass,
  numberInput,
} from "../../lib/ui.tsx";
import { useAudit, type AuditFilters } from "./queries.ts";

const knownActions = [
  "new_agent",
  "edit_agent",
  "del_agent",
  "new_queue",
  "edit_queue",
  "del_queue",
  "assign_agent",
  "release_agent",
  "login",
  "logoff",
  "pause",
  "online",
  "mission",
];

const outcomeStyles: Record<AuditEntry["outcome"], string> = {
  ok: "bg-emerald-100 text-emerald-900",
  converged: "bg-sky-100 text-sky-900",
  refused: "bg-red-100 text-red-900",
  failed: "bg-red-100 text-red-900",
  unknown: "bg-orange-100 text-orange-900",
};

const auditColumns: MessageKey[] = [
  "audit.time",
  "field.actor",
  "field.action",
  "audit.agent",
  "audit.queue",
  "audit.details",
  "audit.outcome",
  "audit.pbxAnswer",
];

/** An action in words when the catalog knows it (sign_in, new_agent...), else its code as recorded (the wire's word). */
function AuditAction({ action }: { action: string }) {
  const t = useT();
  const key = `auditAction.${action}`;
  return hasMessage(key) ? (
    t(key)
  ) : (
    <bdi lang="en" dir="ltr" className="font-mono">
      {action}
    </bdi>
  );
}

export default function AuditPage() {
  const [filters, setFilters] = useState<Omit<AuditFilters, "before">>({});
  // The `before` cursors of the pages walked so far; the last one is the page shown.
  const [cursors, setCursors] = useState<number[]>([]);
  const [errors, setErrors] = useState<FormErrors>({});
  const before = cursors.at(-1);
  const t = useT();
  const format = useFormat();
  const audit = useAudit(before === undefined ? filters : { ...filters, before });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const raw = {
      actor: formString(form, "actor").trim() || undefined,
      agentId: formString(form, "agentId").trim() || undefined,
      queueId: formString(form, "queueId").trim() || undefined,
      action: formString(form, "action").trim() || undefined,
      from: localInputToIso(formString(form, "from")),
      to: localInputToIso(formString(form, "to")),
    };
    const parsed = auditQuerySchema.safeParse(raw);
    if (!parsed.success) {
      setErrors(zodErrors(parsed.error, raw));
      return;
    }
    setErrors({});
    setFilters(raw);
    setCursors([]);
  }

  return (
    <main className="mx-auto w-full max-w-7xl p-3 sm:p-6">
      <PageHeader title={t("audit.title")} />
      <form
        onSubmit={onSubmit}
        onReset={() => {
          setFilters({});
          setCursors([]);
          setErrors({});
        }}
        noValidate
        aria-label={t("audit.filters")}
        className="mb-4 grid gap-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:grid-cols-3 lg:grid-cols-6"
      >
        <Field label={t("field.actor")} error={errors.actor}>
          {(props) => <input {...props} name="actor" autoComplete="off" className={inputClass} />}
        </Field>
        <Field label={t("field.agentId")} error={errors.agentId}>
          {(props) => <input {...props} name="agentId" {...numberInput} className={inputClass} />}
        </Field>
        <Field label={t("field.queueId")} error={errors.queueId}>
          {(props) => <input {...props} name="queueId" {...numberInput} className={inputClass} />}
        </Field>
        <Field label={t("field.action")} error={errors.action}>
          {(props) => (
            <input {...props} name="action" list="audit-actions" autoComplete="off" className={inputClass} />
          )}
        </Field>
        <Field label={t("field.from")} error={errors.from}>
          {(props) => <input {...props} name="from" type="datetime-local" step={1} className={inputClass} />}
        </Field>
        <Field label={t("field.to")} error={errors.to}>
          {(props) => <input {...props} name="to" type="datetime-local" step={1} className={inputClass} />}
        </Field>
        <datalist id="audit-actions">
          {knownActions.map((action) => (
            <option key={action} value={action} label={t(`auditAction.${action}` as MessageKey)} />
          ))}
        </datalist>
        <div className="flex gap-2 sm:col-span-3 lg:col-span-6">
          <button type="submit" className={buttonClass("primary")}>
            {t("audit.apply")}
          </button>
          <button type="reset" className={buttonClass("secondary")}>
            {t("audit.clear")}
          </button>
        </div>
      </form>

      {audit.isPending ? (
        <Spinner label={t("audit.loading")} />
      ) : audit.isError ? (
        <ErrorNotice title={t("audit.loadFailed")} error={audit.error} />
      ) : (
        <div className="rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
          <div className="overflow-x-auto">
            <table className="w-full text-start text-sm" aria-busy={audit.isFetching}>
              <caption className="sr-only">{t("audit.caption")}</caption>
              <thead className="bg-slate-50 text-xs text-slate-700">
                <tr>
                  {auditColumns.map((title) => (
                    <th key={title} scope="col" className="px-3 py-2 whitespace-nowrap">
                      {t(title)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className={audit.isPlaceholderData ? "opacity-60" : ""}>
                {audit.data.entries.map((entry) => (
                  <tr key={entry.id} className="border-t border-slate-100 align-top">
                    <td className="px-3 py-2 whitespace-nowrap tabular-nums">
                      <time dateTime={entry.at}>{format.dateTime(entry.at)}</time>
                    </td>
                    <td className="px-3 py-2">
                      <bdi>{entry.actor}</bdi>
                    </td>
                    <td className="px-3 py-2 text-xs">
                      <AuditAction action={entry.action} />
                    </td>
                    <td className="px-3 py-2 font-mono text-xs">
                      <bdi dir="ltr">{entry.agentId ?? ""}</bdi>
                    </td>
                    <td className="px-3 py-2 font-mono text-xs">
                      <bdi dir="ltr">{entry.queueId ?? ""}</bdi>
                    </td>
                    <td className="max-w-72 px-3 py-2 text-xs break-words text-slate-700">
                      <bdi lang="en" dir="ltr" className="font-mono">
                        {Object.entries(entry.params)
                          .map(([key, value]) => `${key}=${value}`)
                          .join(", ")}
                      </bdi>
                      {entry.detail && currentLanguage() === API_LANGUAGE && (
                        <span className="block text-slate-600">{entry.detail}</span>
                      )}
                    </td>
                    <td className="px-3 py-2">
                      <span
                        className={`rounded-full px-2 py-0.5 text-xs font-medium ${outcomeStyles[entry.outcome]}`}
                      >
                        {t(`auditOutcome.${entry.outcome}`)}
                      </span>
                    </td>
                    <td className="px-3 py-2 text-xs">{entry.pbx && <PbxAnswer pbx={entry.pbx} />}</td>
                  </tr>
                ))}
                {audit.data.entries.length === 0 && (
                  <tr>
                    <td colSpan={8} className="px-3 py-6 text-center text-slate-600">
                      {t("audit.noMatch")}
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
          <nav
            aria-label={t("audit.pages")}
            className="flex items-center justify-between gap-2 border-t border-slate-200 p-3"
          >
            <button
              type="button"
              className={buttonClass("secondary", "sm")}
              disabled={cursors.length === 0}
              onClick={() => setCursors((current) => current.slice(0, -1))}
            >
              {t("audit.newer")}
            </button>
            <span className="text-sm text-slate-600">{t("audit.page", { page: cursors.length + 1 })}</span>
            <button
              type="button"
              className={buttonClass("secondary", "sm")}
              disabled={audit.data.nextBefore === null || audit.isPlaceholderData}
              onClick={() => {
                const next = audit.data.nextBefore;
                if (next !== null) setCursors((current) => [...current, next]);
              }}
            >
              {t("audit.older")}
            </button>
          </nav>
        </div>
      )}
    </main>
  );
}
