// The audit page: a table of every change and its outcome, filtered by person, agent, queue, action and
// time, paged backwards from the newest entry.
import { auditQuerySchema, type AuditEntry } from "@crystal-console/api";
import { useState, type FormEvent } from "react";
import { formString, zodErrors, type FormErrors } from "../../lib/forms.ts";
import { localInputToIso, formatDateTime } from "../../lib/time.ts";
import { ErrorNotice, Field, PageHeader, Spinner, buttonClass, inputClass } from "../../lib/ui.tsx";
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

export default function AuditPage() {
  const [filters, setFilters] = useState<Omit<AuditFilters, "before">>({});
  // The `before` cursors of the pages walked so far; the last one is the page shown.
  const [cursors, setCursors] = useState<number[]>([]);
  const [errors, setErrors] = useState<FormErrors>({});
  const before = cursors.at(-1);
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
      setErrors(zodErrors(parsed.error));
      return;
    }
    setErrors({});
    setFilters(raw);
    setCursors([]);
  }

  return (
    <main className="mx-auto w-full max-w-7xl p-3 sm:p-6">
      <PageHeader title="Audit" />
      <form
        onSubmit={onSubmit}
        onReset={() => {
          setFilters({});
          setCursors([]);
          setErrors({});
        }}
        noValidate
        aria-label="Audit filters"
        className="mb-4 grid gap-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:grid-cols-3 lg:grid-cols-6"
      >
        <Field label="Person" error={errors.actor}>
          {(props) => <input {...props} name="actor" autoComplete="off" className={inputClass} />}
        </Field>
        <Field label="Agent id" error={errors.agentId}>
          {(props) => (
            <input {...props} name="agentId" inputMode="numeric" autoComplete="off" className={inputClass} />
          )}
        </Field>
        <Field label="Queue id" error={errors.queueId}>
          {(props) => (
            <input {...props} name="queueId" inputMode="numeric" autoComplete="off" className={inputClass} />
          )}
        </Field>
        <Field label="Action" error={errors.action}>
          {(props) => (
            <input {...props} name="action" list="audit-actions" autoComplete="off" className={inputClass} />
          )}
        </Field>
        <Field label="From" error={errors.from}>
          {(props) => <input {...props} name="from" type="datetime-local" step={1} className={inputClass} />}
        </Field>
        <Field label="To" error={errors.to}>
          {(props) => <input {...props} name="to" type="datetime-local" step={1} className={inputClass} />}
        </Field>
        <datalist id="audit-actions">
          {knownActions.map((action) => (
            <option key={action} value={action} />
          ))}
        </datalist>
        <div className="flex gap-2 sm:col-span-3 lg:col-span-6">
          <button type="submit" className={buttonClass("primary")}>
            Apply filters
          </button>
          <button type="reset" className={buttonClass("secondary")}>
            Clear filters
          </button>
        </div>
      </form>

      {audit.isPending ? (
        <Spinner label="Loading the audit log" />
      ) : audit.isError ? (
        <ErrorNotice title="The audit log could not be loaded." error={audit.error} />
      ) : (
        <div className="rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" aria-busy={audit.isFetching}>
              <caption className="sr-only">Audit entries, newest first</caption>
              <thead className="bg-slate-50 text-xs text-slate-700">
                <tr>
                  {["Time", "Person", "Action", "Agent", "Queue", "Details", "Outcome", "PBX answer"].map(
                    (title) => (
                      <th key={title} scope="col" className="px-3 py-2 whitespace-nowrap">
                        {title}
                      </th>
                    ),
                  )}
                </tr>
              </thead>
              <tbody className={audit.isPlaceholderData ? "opacity-60" : ""}>
                {audit.data.entries.map((entry) => (
                  <tr key={entry.id} className="border-t border-slate-100 align-top">
                    <td className="px-3 py-2 whitespace-nowrap tabular-nums">
                      <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
                    </td>
                    <td className="px-3 py-2">{entry.actor}</td>
                    <td className="px-3 py-2 font-mono text-xs">{entry.action}</td>
                    <td className="px-3 py-2 font-mono text-xs">{entry.agentId ?? ""}</td>
                    <td className="px-3 py-2 font-mono text-xs">{entry.queueId ?? ""}</td>
                    <td className="max-w-72 px-3 py-2 text-xs break-words text-slate-700">
                      {Object.entries(entry.params)
                        .map(([key, value]) => `${key}=${value}`)
                        .join(", ")}
                      {entry.detail && <span className="block text-slate-600">{entry.detail}</span>}
                    </td>
                    <td className="px-3 py-2">
                      <span
                        className={`rounded-full px-2 py-0.5 text-xs font-medium ${outcomeStyles[entry.outcome]}`}
                      >
                        {entry.outcome}
                      </span>
                    </td>
                    <td className="px-3 py-2 text-xs">
                      {entry.pbx ? `${entry.pbx.code}: ${entry.pbx.message}` : ""}
                    </td>
                  </tr>
                ))}
                {audit.data.entries.length === 0 && (
                  <tr>
                    <td colSpan={8} className="px-3 py-6 text-center text-slate-600">
                      No entries match.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
          <nav
            aria-label="Audit pages"
            className="flex items-center justify-between gap-2 border-t border-slate-200 p-3"
          >
            <button
              type="button"
              className={buttonClass("secondary", "sm")}
              disabled={cursors.length === 0}
              onClick={() => setCursors((current) => current.slice(0, -1))}
            >
              Newer
            </button>
            <span className="text-sm text-slate-600">Page {cursors.length + 1}</span>
            <button
              type="button"
              className={buttonClass("secondary", "sm")}
              disabled={audit.data.nextBefore === null || audit.isPlaceholderData}
              onClick={() => {
                const next = audit.data.nextBefore;
                if (next !== null) setCursors((current) => [...current, next]);
              }}
            >
              Older
            </button>
          </nav>
        </div>
      )}
    </main>
  );
}
