// The admin's bulk import: choose agents or queues, upload a CSV file or paste its text, preview the plan
// (a dry run: nothing reaches the PBX), then apply it with a progress bar and a cancel button, and end with
// the per-row results and their report as CSV. Exports of the current agents and queues sit beside it, in
// the same formats, so that export, edit in a spreadsheet, import round-trips.
import type {
  ImportChange,
  ImportJobSummary,
  ImportKind,
  ImportPlanKind,
  ImportPlanResponse,
  ImportResultKind,
  ImportResultRow,
} from "@crystal-console/api";
import { useId, useRef, useState, type ReactNode } from "react";
import {
  T,
  currentLanguage,
  hasMessage,
  t as translate,
  useFormat,
  useT,
  type MessageKey,
} from "../../i18n/i18n.tsx";
import { API_LANGUAGE, ApiRequestError, describeError, errorMessage } from "../../lib/api.ts";
import { PbxAnswer } from "../../lib/PbxAnswer.tsx";
import { ErrorNotice, PageHeader, Spinner, buttonClass, inputClass } from "../../lib/ui.tsx";
import {
  csvDownloads,
  useCancelImport,
  useImportJobs,
  useImportProgress,
  useImportResults,
  usePlanImport,
  useStartImport,
  type ImportRequest,
} from "./queries.ts";

const columns: Record<ImportKind, string> = {
  agents: "agent_id,agent_name,agent_pass,agent_out_q,queues",
  queues: "queue_id,queue_name",
};

const importKinds = ["agents", "queues"] as const;

const kindLabels: Record<ImportKind, MessageKey> = {
  agents: "import.kindAgents",
  queues: "import.kindQueues",
};

/**
 * A CSV problem in the person's language: the server's sentence in the API's language (English), else the
 * column's rule (CSV columns keep their English names, as the file has them).
 */
function csvProblem(column: string, sentence: string): string {
  if (currentLanguage() === API_LANGUAGE) return sentence;
  const key = `csvRule.${column}`;
  return hasMessage(key) ? translate(key) : translate("csvRule.other");
}

/** Rows shown at first in the plan and results tables; more on request (the report has them all). */
const ROWS_SHOWN = 500;

export default function ImportPage() {
  const [jobId, setJobId] = useState<string | null>(null);
  const t = useT();
  return (
    <main className="mx-auto w-full max-w-6xl p-3 sm:p-6">
      <PageHeader title={t("import.title")}>
        <div className="flex flex-wrap gap-2">
          <a className={buttonClass("secondary")} href={csvDownloads.agents} download>
            {t("import.exportAgents")}
          </a>
          <a className={buttonClass("secondary")} href={csvDownloads.queues} download>
            {t("import.exportQueues")}
          </a>
        </div>
      </PageHeader>
      {jobId ? (
        <ImportJobView jobId={jobId} onNewImport={() => setJobId(null)} />
      ) : (
        <ImportForm onStarted={setJobId} />
      )}
    </main>
  );
}

// ---------------------------------------------------------------- choosing the file and previewing

function ImportForm({ onStarted }: { onStarted: (jobId: string) => void }) {
  const [kind, setKind] = useState<ImportKind>("agents");
  const [file, setFile] = useState<File | null>(null);
  const [text, setText] = useState("");
  const [sync, setSync] = useState(false);
  const [skipErrors, setSkipErrors] = useState(false);
  const [inputError, setInputError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const plan = usePlanImport();
  const start = useStartImport();
  const ids = useId();
  const t = useT();
  const format = useFormat();

  const request = (): ImportRequest | null => {
    const csv = file ?? (text.trim() ? text : null);
    return csv === null ? null : { kind, csv, sync, skipErrors };
  };

  /** Any change to what would be imported makes the plan shown stale: it goes, and so do old errors. */
  const changed = () => {
    plan.reset();
    start.reset();
    setInputError(null);
  };

  function preview() {
    const current = request();
    if (!current) {
      setInputError(t("import.chooseFirst"));
      return;
    }
    changed();
    plan.mutate(current);
  }

  function apply() {
    const current = request();
    if (!current) return;
    start.mutate(current, { onSuccess: ({ jobId }) => onStarted(jobId) });
  }

  const errorRows = plan.data?.summary.error ?? 0;
  const applyBlocked = errorRows > 0 && !skipErrors;

  return (
    <div className="space-y-6">
      <section
        aria-labelledby={`${ids}-source`}
        className="space-y-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200"
      >
        <h2 id={`${ids}-source`} className="font-semibold">
          {t("import.file")}
        </h2>
        <fieldset>
          <legend className="mb-1 text-sm font-medium text-slate-800">{t("import.holds")}</legend>
          <div className="flex gap-4">
            {importKinds.map((each) => (
              <label key={each} className="flex items-center gap-2 text-sm">
                <input
                  type="radio"
                  name="kind"
                  value={each}
                  checked={kind === each}
                  onChange={() => {
                    setKind(each);
                    changed();
                  }}
                />
                {t(kindLabels[each])}
              </label>
            ))}
          </div>
          <p className="mt-1 text-xs text-slate-600">
            <T
              k={kind === "agents" ? "import.columnsAgents" : "import.columnsQueues"}
              values={{
                columns: (
                  <code className="font-mono" dir="ltr">
                    {columns[kind]}
                  </code>
                ),
              }}
            />
          </p>
        </fieldset>

        <div className="grid gap-4 md:grid-cols-2">
          <div>
            <label htmlFor={`${ids}-file`} className="mb-1 block text-sm font-medium text-slate-800">
              {t("import.csvFile")}
            </label>
            <input
              ref={fileInput}
              id={`${ids}-file`}
              type="file"
              accept=".csv,text/csv,text/plain"
              aria-describedby={`${ids}-file-hint`}
              className="block w-full text-sm text-slate-800 file:me-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium file:text-slate-800 hover:file:bg-slate-50"
              onChange={(event) => {
                setFile(event.currentTarget.files?.[0] ?? null);
                changed();
              }}
            />
            <p id={`${ids}-file-hint`} className="mt-1 text-xs text-slate-600">
              {t("import.fileHint")}
            </p>
            {file && (
              <p className="mt-2 flex flex-wrap items-center gap-2 text-sm">
                <span>
                  <T
                    k="import.chosen"
                    values={{
                      name: <bdi className="font-medium">{file.name}</bdi>,
                      size: format.bytes(file.size),
                    }}
                  />
                </span>
                <button
                  type="button"
                  className={buttonClass("ghost", "sm")}
                  onClick={() => {
                    setFile(null);
                    if (fileInput.current) fileInput.current.value = "";
                    changed();
                  }}
                >
                  {t("import.removeFile")}
                </button>
              </p>
            )}
          </div>
          <div>
            <label htmlFor={`${ids}-text`} className="mb-1 block text-sm font-medium text-slate-800">
              {t("import.paste")}
            </label>
            <textarea
              id={`${ids}-text`}
              value={text}
              disabled={file !== null}
              rows={6}
              spellCheck={false}
              dir="ltr"
              placeholder={columns[kind]}
              className={`${inputClass} font-mono text-xs`}
              onChange={(event) => {
                setText(event.currentTarget.value);
                changed();
              }}
            />
          </div>
        </div>

        <div className="space-y-2">
          {kind === "agents" && (
            <Checkbox
              checked={sync}
              onChange={(value) => {
                setSync(value);
                changed();
              }}
              label={t("import.sync")}
              hint={t("import.syncHint")}
            />
          )}
          <Checkbox
            checked={skipErrors}
            onChange={setSkipErrors}
            label={t("import.skipErrors")}
            hint={t("import.skipErrorsHint")}
          />
        </div>

        <div className="flex flex-wrap items-center gap-3">
          <button
            type="button"
            className={buttonClass("primary")}
            disabled={plan.isPending}
            onClick={preview}
          >
            {plan.isPending ? t("import.planning") : t("import.preview")}
          </button>
          <span className="text-xs text-slate-600">{t("import.previewHint")}</span>
        </div>
        {inputError && (
          <p role="alert" className="text-sm text-red-700">
            {inputError}
          </p>
        )}
        {plan.isError && <ImportError title={t("import.planFailed")} error={plan.error} />}
      </section>

      {plan.data && (
        <section
          aria-labelledby={`${ids}-plan`}
          className="space-y-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200"
        >
          <div className="flex flex-wrap items-center justify-between gap-3">
            <h2 id={`${ids}-plan`} className="font-semibold">
              {t("import.plan")}
            </h2>
            <button
              type="button"
              className={buttonClass("primary")}
              disabled={applyBlocked || start.isPending}
              aria-describedby={applyBlocked ? `${ids}-blocked` : undefined}
              onClick={apply}
            >
              {start.isPending ? t("import.starting") : t("import.apply")}
            </button>
          </div>
          <PlanSummary plan={plan.data} />
          {applyBlocked && (
            <p id={`${ids}-blocked`} className="text-sm text-red-800">
              {t("import.blocked", { count: errorRows })}
            </p>
          )}
          {start.isError && <ImportError title={t("import.startFailed")} error={start.error} />}
          <PlanTable plan={plan.data} />
        </section>
      )}
      <RunningImportNotice onShow={onStarted} />
    </div>
  );
}

function Checkbox({
  checked,
  onChange,
  label,
  hint,
}: {
  checked: boolean;
  onChange: (checked: boolean) => void;
  label: string;
  hint: string;
}) {
  const id = useId();
  return (
    <div className="flex items-start gap-2">
      <input
        id={id}
        type="checkbox"
        className="mt-1"
        checked={checked}
        aria-describedby={`${id}-hint`}
        onChange={(event) => onChange(event.currentTarget.checked)}
      />
      <div>
        <label htmlFor={id} className="text-sm font-medium text-slate-800">
          {label}
        </label>
        <p id={`${id}-hint`} className="text-xs text-slate-600">
          {hint}
        </p>
      </div>
    </div>
  );
}

/** An import that is already running (another tab, another admin): only one runs at a time. */
function RunningImportNotice({ onShow }: { onShow: (jobId: string) => void }) {
  const jobs = useImportJobs();
  const t = useT();
  const running = jobs.data?.find((job) => job.status === "running");
  if (!running) return null;
  return (
    <div className="flex flex-wrap items-center gap-3 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950">
      <span>
        <T
          k="import.running"
          values={{
            kind: running.kind,
            by: <bdi>{running.by}</bdi>,
            done: running.done,
            total: running.total,
          }}
        />
      </span>
      <button type="button" className={buttonClass("secondary", "sm")} onClick={() => onShow(running.jobId)}>
        {t("import.showProgress")}
      </button>
    </div>
  );
}

/** The server's refusal: its sentence, then the file's problem or each row and column it names. */
function ImportError({ title, error }: { title: string; error: unknown }) {
  const { title: message, pbx } = describeError(error);
  const t = useT();
  const fields = error instanceof ApiRequestError ? Object.entries(error.fields) : [];
  const rows = error instanceof ApiRequestError ? error.rows : [];
  const tooLarge = error instanceof ApiRequestError && error.status === 413;
  return (
    <div role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900">
      <p className="font-semibold">{title}</p>
      <p>{error instanceof ApiRequestError ? errorMessage(error) : message}</p>
      {tooLarge && <p>{t("import.split")}</p>}
      {(fields.length > 0 || rows.length > 0) && (
        <ul className="mt-1 list-disc space-y-0.5 ps-5">
          {fields.map(([field, reason]) => (
            <li key={field}>
              <span className="font-medium">
                <FieldLabel field={field} />:
              </span>{" "}
              {csvProblem(field, reason)}
            </li>
          ))}
          {rows.map((row) => (
            <li key={`${row.line} ${row.column}`}>
              <span className="font-medium">
                <T
                  k="import.whereLine"
                  values={{ line: row.line, column: <bdi dir="ltr">{row.column}</bdi> }}
                />
                :
              </span>{" "}
              {csvProblem(row.column, row.message)}
            </li>
          ))}
        </ul>
      )}
      {pbx && (
        <p className="mt-1">
          <PbxAnswer pbx={pbx} />
        </p>
      )}
    </div>
  );
}

/** Where in the file, for a problem of the file as a whole: the file, its header row, the request. */
function FieldLabel({ field }: { field: string }) {
  const t = useT();
  if (field === "file") return t("import.whereFile");
  if (field === "header") return t("import.whereHeader");
  if (field === "body") return t("import.whereRequest");
  return <bdi dir="ltr">{field}</bdi>;
}

const planLabels: Record<ImportPlanKind, MessageKey> = {
  create: "plan.create",
  adopt: "plan.adopt",
  update: "plan.update",
  unchanged: "plan.unchanged",
  error: "plan.error",
};

const planStyles: Record<ImportPlanKind, string> = {
  create: "bg-emerald-100 text-emerald-900",
  adopt: "bg-cyan-100 text-cyan-900",
  update: "bg-amber-100 text-amber-900",
  unchanged: "bg-slate-100 text-slate-700",
  error: "bg-red-700 text-white",
};

const summaryWords: Record<ImportPlanKind, MessageKey> = {
  create: "planSummary.create",
  adopt: "planSummary.adopt",
  update: "planSummary.update",
  unchanged: "planSummary.unchanged",
  error: "planSummary.error",
};

function PlanSummary({ plan }: { plan: ImportPlanResponse }) {
  const { summary } = plan;
  const t = useT();
  const parts = (["create", "adopt", "update", "unchanged", "error"] as const).filter(
    (kind) => summary[kind] > 0 || kind === "error",
  );
  return (
    <p
      role="status"
      aria-label={t("import.planSummary")}
      className="flex flex-wrap items-center gap-2 text-sm"
    >
      <span className="font-medium">
        {t(plan.sync ? "import.rowsOfSync" : "import.rowsOf", {
          count: summary.total,
          kind: plan.kind,
        })}
      </span>
      {parts.map((kind) => (
        <span key={kind} className={`rounded-full px-2 py-0.5 text-xs font-medium ${planStyles[kind]}`}>
          {t(summaryWords[kind], { count: summary[kind] })}
        </span>
      ))}
    </p>
  );
}

function PlanTable({ plan }: { plan: ImportPlanResponse }) {
  const t = useT();
  return (
    <ShownRows rows={plan.rows} label={t("import.ofPlan")}>
      {(rows) => (
        <table className="w-full text-start text-sm">
          <caption className="sr-only">{t("import.planCaption")}</caption>
          <thead className="bg-slate-50 text-xs text-slate-700">
            <tr>
              <Th>{t("import.line")}</Th>
              <Th>{t("grid.id")}</Th>
              <Th>{t("grid.name")}</Th>
              <Th>{t("import.plan")}</Th>
              <Th>{t("import.changes")}</Th>
              <Th>{t("import.error")}</Th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr
                key={row.line}
                data-plan={row.plan}
                className={`border-t border-slate-100 align-top ${row.plan === "error" ? "bg-red-50" : ""}`}
              >
                <td className="px-3 py-2 tabular-nums">{row.line}</td>
                <td className="px-3 py-2 font-mono text-xs">
                  <bdi dir="ltr">{row.id}</bdi>
                </td>
                <td className="px-3 py-2">
                  <bdi>{row.name ?? ""}</bdi>
                </td>
                <td className="px-3 py-2">
                  <Badge className={planStyles[row.plan]}>{t(planLabels[row.plan])}</Badge>
                </td>
                <td className="min-w-48 px-3 py-2">
                  <Changes changes={row.changes} />
                </td>
                <td className="px-3 py-2 text-red-800">
                  <RowProblems error={row.error} fields={row.fields} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </ShownRows>
  );
}

function Th({ children }: { children: ReactNode }) {
  return (
    <th scope="col" className="px-3 py-2">
      {children}
    </th>
  );
}

function Badge({ className, children }: { className: string; children: ReactNode }) {
  return (
    <span
      className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ${className}`}
    >
      {children}
    </span>
  );
}

/** A row's problems: the server's sentence in English, else each column with its rule. */
function RowProblems({ error, fields }: { error: string | null; fields: Record<string, string> }) {
  useT();
  if (!error) return null;
  if (currentLanguage() === API_LANGUAGE) return error;
  return (
    <ul className="space-y-0.5">
      {Object.entries(fields).map(([column, sentence]) => (
        <li key={column}>
          <bdi dir="ltr" className="font-mono">
            {column}
          </bdi>
          : {csvProblem(column, sentence)}
        </li>
      ))}
    </ul>
  );
}

function Changes({ changes }: { changes: ImportChange[] }) {
  const t = useT();
  if (changes.length === 0) return null;
  return (
    <ul className="space-y-0.5 text-xs">
      {changes.map((change) => (
        <li key={change.field}>
          <bdi dir="ltr" className="font-mono">
            {change.field}
          </bdi>
          {change.from === null && change.to === null ? (
            ` ${t("import.newPassword")}`
          ) : change.from === null ? (
            <>
              : <bdi>{change.to}</bdi>
            </>
          ) : (
            <>
              : <bdi>{change.from}</bdi>{" "}
              <span aria-hidden className="inline-block rtl:-scale-x-100">
                →
              </span>
              <span className="sr-only">{t("import.becomes")}</span>{" "}
              <bdi>{change.to ?? t("import.none")}</bdi>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

/** A table of many rows: the first few hundred, and a button for more. */
function ShownRows<Row>({
  rows,
  label,
  children,
}: {
  rows: Row[];
  label: string;
  children: (rows: Row[]) => ReactNode;
}) {
  const [shown, setShown] = useState(ROWS_SHOWN);
  const t = useT();
  const rest = rows.length - shown;
  return (
    <div>
      <div className="overflow-x-auto rounded-lg ring-1 ring-slate-200">{children(rows.slice(0, shown))}</div>
      {rest > 0 && (
        <div className="mt-2 flex items-center gap-3 text-sm">
          <span>{t("import.showing", { shown, count: rows.length, label })}</span>
          <button
            type="button"
            className={buttonClass("secondary", "sm")}
            onClick={() => setShown((count) => count + ROWS_SHOWN)}
          >
            {t("import.showMore", { count: Math.min(rest, ROWS_SHOWN) })}
          </button>
        </div>
      )}
    </div>
  );
}

// ---------------------------------------------------------------- applying: progress, cancel, results

function ImportJobView({ jobId, onNewImport }: { jobId: string; onNewImport: () => void }) {
  const progress = useImportProgress(jobId);
  const job = progress.data;
  const ended = job !== undefined && job.status !== "running";
  const results = useImportResults(jobId, ended);
  const cancel = useCancelImport();
  const headingId = useId();
  const t = useT();

  if (progress.isPending) return <Spinner label={t("import.startingImport")} />;
  if (progress.isError) return <ErrorNotice title={t("import.progressFailed")} error={progress.error} />;
  if (!job) return null;

  return (
    <div className="space-y-6">
      <section
        aria-labelledby={headingId}
        className="space-y-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200"
      >
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 id={headingId} className="font-semibold">
            {t(ended ? "import.ended" : "import.importing", { kind: job.kind })}
          </h2>
          <div className="flex flex-wrap gap-2">
            {!ended && (
              <button
                type="button"
                className={buttonClass("danger")}
                disabled={job.cancelRequested || cancel.isPending}
                onClick={() => cancel.mutate(jobId)}
              >
                {job.cancelRequested ? t("import.cancelling") : t("import.cancel")}
              </button>
            )}
            {ended && (
              <>
                <a className={buttonClass("secondary")} href={csvDownloads.report(jobId)} download>
                  {t("import.report")}
                </a>
                <button type="button" className={buttonClass("primary")} onClick={onNewImport}>
                  {t("import.new")}
                </button>
              </>
            )}
          </div>
        </div>
        <ProgressBar job={job} />
        <p role="status" className="text-sm">
          {statusSentence(job, t)}
        </p>
      </section>

      {ended && (
        <section
          aria-labelledby={`${headingId}-results`}
          className="space-y-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200"
        >
          <h2 id={`${headingId}-results`} className="font-semibold">
            {t("import.results")}
          </h2>
          {results.isPending && <Spinner label={t("import.loadingResults")} />}
          {results.isError && <ErrorNotice title={t("import.resultsFailed")} error={results.error} />}
          {results.data && (
            <>
              <ResultSummary counts={results.data.counts} />
              <ResultsTable rows={results.data.rows} />
            </>
          )}
        </section>
      )}
    </div>
  );
}

function percentOf(job: ImportJobSummary): number {
  if (job.total === 0) return job.status === "running" ? 0 : 100;
  return Math.min(100, Math.floor((job.done / job.total) * 100));
}

function ProgressBar({ job }: { job: ImportJobSummary }) {
  const percent = percentOf(job);
  const t = useT();
  const format = useFormat();
  const failed = job.status === "failed" || job.status === "cancelled" || job.status === "interrupted";
  return (
    <div>
      <div className="mb-1 flex justify-between text-sm">
        <span>
          {t(job.failed > 0 ? "import.progressFailedRows" : "import.progressRows", {
            done: job.done,
            count: job.total,
            failed: job.failed,
          })}
        </span>
        <span className="tabular-nums">{format.percent(percent)}</span>
      </div>
      <div
        role="progressbar"
        aria-label={t("import.progress")}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={t("import.progressText", {
          percent: format.percent(percent),
          done: job.done,
          count: job.total,
        })}
        className="h-3 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <div
          className={`h-full rounded-full transition-[width] duration-300 ${failed ? "bg-amber-600" : job.failed > 0 ? "bg-red-600" : "bg-cyan-700"}`}
          style={{ width: `${percent}%` }}
        />
      </div>
    </div>
  );
}

function statusSentence(
  job: ImportJobSummary,
  t: (key: MessageKey, values?: Record<string, unknown>) => string,
) {
  const tally = resultOrder
    .filter((kind) => job.counts[kind] > 0)
    .map((kind) => t(resultCounts[kind], { count: job.counts[kind] }))
    .join(t("import.listSeparator"));
  switch (job.status) {
    case "running":
      return job.cancelRequested ? t("import.statusCancelling") : t("import.statusSending");
    case "done":
      return t(tally ? "import.statusDoneTally" : "import.statusDone", { tally });
    case "cancelled":
      return t(tally ? "import.statusCancelledTally" : "import.statusCancelled", { tally });
    case "failed":
      return t(tally ? "import.statusFailedTally" : "import.statusFailed", { tally });
    case "interrupted":
      return t(tally ? "import.statusInterruptedTally" : "import.statusInterrupted", { tally });
  }
}

const resultOrder = ["done", "adopted", "unchanged", "failed", "skipped"] as const;

const resultCounts: Record<ImportResultKind, MessageKey> = {
  pending: "resultCount.pending",
  running: "resultCount.running",
  done: "resultCount.done",
  adopted: "resultCount.adopted",
  unchanged: "resultCount.unchanged",
  failed: "resultCount.failed",
  skipped: "resultCount.skipped",
};

const resultLabels: Record<ImportResultKind, MessageKey> = {
  pending: "result.pending",
  running: "result.running",
  done: "result.done",
  adopted: "result.adopted",
  unchanged: "result.unchanged",
  failed: "result.failed",
  skipped: "result.skipped",
};

const resultStyles: Record<ImportResultKind, string> = {
  pending: "bg-slate-100 text-slate-700",
  running: "bg-slate-100 text-slate-700",
  done: "bg-emerald-100 text-emerald-900",
  adopted: "bg-cyan-100 text-cyan-900",
  unchanged: "bg-slate-100 text-slate-700",
  failed: "bg-red-700 text-white",
  skipped: "bg-amber-100 text-amber-900",
};

function ResultSummary({ counts }: { counts: Record<ImportResultKind, number> }) {
  const t = useT();
  const kinds = resultOrder.filter((kind) => counts[kind] > 0);
  return (
    <p aria-label={t("import.resultsSummary")} className="flex flex-wrap gap-2 text-sm">
      {kinds.map((kind) => (
        <Badge key={kind} className={resultStyles[kind]}>
          {t(resultCounts[kind], { count: counts[kind] })}
        </Badge>
      ))}
    </p>
  );
}

/** A row's outcome: the PBX's own words when it refused, then why in the person's language. */
function RowOutcome({ row }: { row: ImportResultRow }) {
  useT();
  const why =
    row.error && (currentLanguage() === API_LANGUAGE || row.code === null)
      ? currentLanguage() === API_LANGUAGE
        ? row.error
        : translate("csvRule.other")
      : row.code && translate(`errors.${row.code}`);
  return (
    <>
      {row.pbx && <PbxAnswer pbx={row.pbx} />}
      {why && <span className={row.pbx ? "block text-slate-700" : ""}>{why}</span>}
    </>
  );
}

function ResultsTable({ rows }: { rows: ImportResultRow[] }) {
  const t = useT();
  return (
    <ShownRows rows={rows} label={t("import.ofResults")}>
      {(shown) => (
        <table className="w-full text-start text-sm">
          <caption className="sr-only">{t("import.resultsCaption")}</caption>
          <thead className="bg-slate-50 text-xs text-slate-700">
            <tr>
              <Th>{t("import.line")}</Th>
              <Th>{t("grid.id")}</Th>
              <Th>{t("grid.name")}</Th>
              <Th>{t("import.result")}</Th>
              <Th>{t("import.changes")}</Th>
              <Th>{t("import.pbxOrError")}</Th>
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <tr
                key={row.line}
                data-result={row.result}
                className={`border-t border-slate-100 align-top ${row.result === "failed" ? "bg-red-50" : ""}`}
              >
                <td className="px-3 py-2 tabular-nums">{row.line}</td>
                <td className="px-3 py-2 font-mono text-xs">
                  <bdi dir="ltr">{row.id}</bdi>
                </td>
                <td className="px-3 py-2">
                  <bdi>{row.name ?? ""}</bdi>
                </td>
                <td className="px-3 py-2">
                  <Badge className={resultStyles[row.result]}>{t(resultLabels[row.result])}</Badge>
                </td>
                <td className="min-w-48 px-3 py-2">
                  <Changes changes={row.changes} />
                </td>
                <td className="px-3 py-2 text-red-800">
                  <RowOutcome row={row} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </ShownRows>
  );
}
