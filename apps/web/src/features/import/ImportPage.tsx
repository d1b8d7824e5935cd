// The admin's bulk import: choose agents or queues, upload a CSV file or paste its text, preview the plan
// (a dry run: nothing reaches the PBX), then apply it with a progress bar and a cancel button, and end with
// the per-row results and their report as CSV. Exports of the current agents and queues sit beside it, in
// the same formats, so that export, edit in a spreadsheet, import round-trips.
import type {
  ImportChange,
  ImportKind,
  ImportPlanKind,
  ImportPlanResponse,
  ImportResultKind,
  ImportResultRow,
} from "@crystal-console/api";
import { useId, useRef, useState, type ReactNode } from "react";
import { ApiRequestError, describeError } from "../../lib/api.ts";
import { ErrorNotice, PageHeader, Spinner, buttonClass, inputClass } from "../../lib/ui.tsx";
import {
  csvDownloads,
  useCancelImport,
  useImportJobs,
  useImportProgress,
  useImportResults,
  usePlanImport,
  useStartImport,
  type ImportJobSummary,
  type ImportRequest,
} from "./queries.ts";

const columns: Record<ImportKind, string> = {
  agents: "agent_id,agent_name,agent_pass,agent_out_q,queues",
  queues: "queue_id,queue_name",
};

const kindLabels: Record<ImportKind, string> = { agents: "Agents", queues: "Queues" };

/** Rows shown at first in the plan and results tables; more on request (the report has them all). */
const ROWS_SHOWN = 500;

export default function ImportPage() {
  const [jobId, setJobId] = useState<string | null>(null);
  return (
    <main className="mx-auto w-full max-w-6xl p-3 sm:p-6">
      <PageHeader title="Import">
        <div className="flex flex-wrap gap-2">
          <a className={buttonClass("secondary")} href={csvDownloads.agents} download>
            Export agents (CSV)
          </a>
          <a className={buttonClass("secondary")} href={csvDownloads.queues} download>
            Export queues (CSV)
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
      setInputError("Choose a CSV file or paste its text first.");
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
          File to import
        </h2>
        <fieldset>
          <legend className="mb-1 text-sm font-medium text-slate-800">What the file holds</legend>
          <div className="flex gap-4">
            {(["agents", "queues"] as const).map((each) => (
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
                {kindLabels[each]}
              </label>
            ))}
          </div>
          <p className="mt-1 text-xs text-slate-600">
            Columns: <code className="font-mono">{columns[kind]}</code>
            {kind === "agents" &&
              " (queues separated by ;). An empty agent_pass keeps an existing agent's password."}{" "}
            Import the queues before the agents that use them.
          </p>
        </fieldset>

        <div className="grid gap-4 md:grid-cols-2">
          <div>
            <label htmlFor={`${ids}-file`} className="mb-1 block text-sm font-medium text-slate-800">
              CSV file
            </label>
            <input
              ref={fileInput}
              id={`${ids}-file`}
              type="file"
              accept=".csv,text/csv,text/plain"
              aria-describedby={`${ids}-file-hint`}
              className="block w-full text-sm text-slate-800 file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium file:text-slate-800 hover:file:bg-slate-50"
              onChange={(event) => {
                setFile(event.currentTarget.files?.[0] ?? null);
                changed();
              }}
            />
            <p id={`${ids}-file-hint`} className="mt-1 text-xs text-slate-600">
              UTF-8 (a spreadsheet&apos;s &ldquo;CSV UTF-8&rdquo;), up to 5 MB. A chosen file is used instead
              of pasted text.
            </p>
            {file && (
              <p className="mt-2 flex flex-wrap items-center gap-2 text-sm">
                <span>
                  Chosen: <bdi className="font-medium">{file.name}</bdi> ({formatBytes(file.size)})
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
                  Remove file
                </button>
              </p>
            )}
          </div>
          <div>
            <label htmlFor={`${ids}-text`} className="mb-1 block text-sm font-medium text-slate-800">
              Or paste CSV text
            </label>
            <textarea
              id={`${ids}-text`}
              value={text}
              disabled={file !== null}
              rows={6}
              spellCheck={false}
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
              label="Sync memberships"
              hint="Also release each agent in the file from the queues its row does not list. Without it, memberships are only added."
            />
          )}
          <Checkbox
            checked={skipErrors}
            onChange={setSkipErrors}
            label="Skip error rows"
            hint="Apply the valid rows of a file that has rows with errors; the rows with errors are left out."
          />
        </div>

        <div className="flex flex-wrap items-center gap-3">
          <button
            type="button"
            className={buttonClass("primary")}
            disabled={plan.isPending}
            onClick={preview}
          >
            {plan.isPending ? "Planning…" : "Preview"}
          </button>
          <span className="text-xs text-slate-600">Preview sends nothing to the PBX.</span>
        </div>
        {inputError && (
          <p role="alert" className="text-sm text-red-700">
            {inputError}
          </p>
        )}
        {plan.isError && <ImportError title="The file could not be planned." error={plan.error} />}
      </section>

      {plan.data && (
        <section
          aria-labelledby={`${ids}-plan`}
          className="space-y-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200"
        >
          <div className="flex flex-wrap items-center justify-between gap-3">
            <h2 id={`${ids}-plan`} className="font-semibold">
              Plan
            </h2>
            <button
              type="button"
              className={buttonClass("primary")}
              disabled={applyBlocked || start.isPending}
              aria-describedby={applyBlocked ? `${ids}-blocked` : undefined}
              onClick={apply}
            >
              {start.isPending ? "Starting…" : "Apply"}
            </button>
          </div>
          <PlanSummary plan={plan.data} />
          {applyBlocked && (
            <p id={`${ids}-blocked`} className="text-sm text-red-800">
              {errorRows === 1 ? "1 row has errors" : `${errorRows} rows have errors`}. Fix the file and
              preview it again, or check &ldquo;Skip error rows&rdquo; to apply the other rows.
            </p>
          )}
          {start.isError && <ImportError title="The import did not start." error={start.error} />}
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
  const running = jobs.data?.find((job) => job.status === "running");
  if (!running) return null;
  return (
    <div className="flex flex-wrap items-center gap-3 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950">
      <span>
        An import of {running.kind} by {running.by} is running ({running.done} of {running.total} rows).
      </span>
      <button type="button" className={buttonClass("secondary", "sm")} onClick={() => onShow(running.jobId)}>
        Show its progress
      </button>
    </div>
  );
}

/** The server's refusal: its sentence, then each row and column it names (or the file's problem). */
function ImportError({ title, error }: { title: string; error: unknown }) {
  const { title: message, pbx } = describeError(error);
  const fields = error instanceof ApiRequestError ? Object.entries(error.fields) : [];
  const tooLarge = error instanceof ApiRequestError && error.status === 413;
  return (
    <div role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900">
      <p className="font-semibold">{title}</p>
      <p>{error instanceof ApiRequestError ? error.message : message}</p>
      {tooLarge && <p>Split the file into smaller files and import them one after another.</p>}
      {fields.length > 0 && (
        <ul className="mt-1 list-disc space-y-0.5 ps-5">
          {fields.map(([field, reason]) => (
            <li key={field}>
              <span className="font-medium">{fieldLabel(field)}:</span> {reason}
            </li>
          ))}
        </ul>
      )}
      {pbx && <p className="mt-1">PBX answered: {pbx}</p>}
    </div>
  );
}

function fieldLabel(field: string): string {
  if (field === "file") return "File";
  if (field === "header") return "Header row";
  if (field === "body") return "Request";
  return field.replace(/^line (\d+): /, "Line $1, ");
}

const planLabels: Record<ImportPlanKind, string> = {
  create: "create",
  adopt: "adopt",
  update: "update",
  unchanged: "unchanged",
  error: "error",
};

const planStyles: Record<ImportPlanKind, string> = {
  create: "bg-emerald-100 text-emerald-900",
  adopt: "bg-cyan-100 text-cyan-900",
  update: "bg-amber-100 text-amber-900",
  unchanged: "bg-slate-100 text-slate-700",
  error: "bg-red-700 text-white",
};

const summaryWords: Record<ImportPlanKind, string> = {
  create: "to create",
  adopt: "to adopt",
  update: "to update",
  unchanged: "unchanged",
  error: "with errors",
};

function PlanSummary({ plan }: { plan: ImportPlanResponse }) {
  const { summary } = plan;
  const parts = (["create", "adopt", "update", "unchanged", "error"] as const).filter(
    (kind) => summary[kind] > 0 || kind === "error",
  );
  return (
    <p role="status" aria-label="Plan summary" className="flex flex-wrap items-center gap-2 text-sm">
      <span className="font-medium">
        {summary.total} {summary.total === 1 ? "row" : "rows"} of {plan.kind}
        {plan.sync ? " (sync memberships)" : ""}:
      </span>
      {parts.map((kind) => (
        <span key={kind} className={`rounded-full px-2 py-0.5 text-xs font-medium ${planStyles[kind]}`}>
          {summary[kind]} {summaryWords[kind]}
        </span>
      ))}
    </p>
  );
}

function PlanTable({ plan }: { plan: ImportPlanResponse }) {
  return (
    <ShownRows rows={plan.rows} label="plan">
      {(rows) => (
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Import plan</caption>
          <thead className="bg-slate-50 text-xs text-slate-700">
            <tr>
              <Th>Line</Th>
              <Th>Id</Th>
              <Th>Name</Th>
              <Th>Plan</Th>
              <Th>Changes</Th>
              <Th>Error</Th>
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
                <td className="px-3 py-2 font-mono text-xs">{row.id}</td>
                <td className="px-3 py-2">
                  <bdi>{row.name ?? ""}</bdi>
                </td>
                <td className="px-3 py-2">
                  <Badge className={planStyles[row.plan]}>{planLabels[row.plan]}</Badge>
                </td>
                <td className="min-w-48 px-3 py-2">
                  <Changes changes={row.changes} />
                </td>
                <td className="px-3 py-2 text-red-800">{row.error}</td>
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

function Changes({ changes }: { changes: ImportChange[] }) {
  if (changes.length === 0) return null;
  return (
    <ul className="space-y-0.5 text-xs">
      {changes.map((change) => (
        <li key={change.field}>
          <span className="font-mono">{change.field}</span>
          {change.from === null && change.to === null ? (
            " (new password)"
          ) : change.from === null ? (
            <>
              : <bdi>{change.to}</bdi>
            </>
          ) : (
            <>
              : <bdi>{change.from}</bdi> → <bdi>{change.to ?? "(none)"}</bdi>
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
  const rest = rows.length - shown;
  return (
    <div>
      <div className="overflow-x-auto rounded-lg ring-1 ring-slate-200">{children(rows.slice(0, shown))}</div>
      {rest > 0 && (
        <div className="mt-2 flex items-center gap-3 text-sm">
          <span>
            Showing {shown} of {rows.length} rows of the {label}.
          </span>
          <button
            type="button"
            className={buttonClass("secondary", "sm")}
            onClick={() => setShown((count) => count + ROWS_SHOWN)}
          >
            Show {Math.min(rest, ROWS_SHOWN)} more
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

  if (progress.isPending) return <Spinner label="Starting the import" />;
  if (progress.isError)
    return <ErrorNotice title="The import's progress could not be read." error={progress.error} />;
  if (!job) return null;

  return (
    <div className="space-y-6">
      <section
        aria-labelledby={headingId}
        className="space-y-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200"
      >
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 id={headingId} className="font-semibold">
            {ended ? `Import of ${job.kind} ended` : `Importing ${job.kind}`}
          </h2>
          <div className="flex flex-wrap gap-2">
            {!ended && (
              <button
                type="button"
                className={buttonClass("danger")}
                disabled={job.cancelRequested || cancel.isPending}
                onClick={() => cancel.mutate(jobId)}
              >
                {job.cancelRequested ? "Cancelling…" : "Cancel import"}
              </button>
            )}
            {ended && (
              <>
                <a className={buttonClass("secondary")} href={csvDownloads.report(jobId)} download>
                  Download report
                </a>
                <button type="button" className={buttonClass("primary")} onClick={onNewImport}>
                  New import
                </button>
              </>
            )}
          </div>
        </div>
        <ProgressBar job={job} />
        <p role="status" className="text-sm">
          {statusSentence(job)}
        </p>
      </section>

      {ended && (
        <section
          aria-labelledby={`${headingId}-results`}
          className="space-y-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200"
        >
          <h2 id={`${headingId}-results`} className="font-semibold">
            Results
          </h2>
          {results.isPending && <Spinner label="Loading the results" />}
          {results.isError && (
            <ErrorNotice title="The import's results could not be loaded." error={results.error} />
          )}
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
  const failed = job.status === "failed" || job.status === "cancelled" || job.status === "interrupted";
  return (
    <div>
      <div className="mb-1 flex justify-between text-sm">
        <span>
          {job.done} of {job.total} rows
          {job.failed > 0 ? `, ${job.failed} failed` : ""}
        </span>
        <span className="tabular-nums">{percent} %</span>
      </div>
      <div
        role="progressbar"
        aria-label="Import progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent} %: ${job.done} of ${job.total} rows`}
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

function statusSentence(job: ImportJobSummary): string {
  const c = job.counts;
  const tally = [
    c.done && `${c.done} done`,
    c.adopted && `${c.adopted} adopted`,
    c.unchanged && `${c.unchanged} unchanged`,
    c.failed && `${c.failed} failed`,
    c.skipped && `${c.skipped} skipped`,
  ]
    .filter(Boolean)
    .join(", ");
  switch (job.status) {
    case "running":
      return job.cancelRequested
        ? "Cancelling: no new row starts; the rows being sent finish first."
        : "Sending the rows to the PBX…";
    case "done":
      return `The import finished${tally ? `: ${tally}` : ""}.`;
    case "cancelled":
      return `The import was cancelled${tally ? `: ${tally}` : ""}. The rows that did not run were skipped.`;
    case "failed":
      return `The import stopped because the PBX stopped answering${tally ? `: ${tally}` : ""}. The rest were skipped.`;
    case "interrupted":
      return `The import was interrupted: the console server running it stopped${tally ? ` (${tally})` : ""}. Import the same file again to finish it.`;
  }
}

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
  const kinds = (["done", "adopted", "unchanged", "failed", "skipped"] as const).filter(
    (kind) => counts[kind] > 0,
  );
  return (
    <p aria-label="Results summary" className="flex flex-wrap gap-2 text-sm">
      {kinds.map((kind) => (
        <Badge key={kind} className={resultStyles[kind]}>
          {counts[kind]} {kind}
        </Badge>
      ))}
    </p>
  );
}

function pbxAnswer(row: ImportResultRow): ReactNode {
  if (row.pbx)
    return (
      <>
        PBX answered: {row.pbx.message} (PBX code {row.pbx.code})
        {row.error && <span className="block text-slate-700">{row.error}</span>}
      </>
    );
  return row.error;
}

function ResultsTable({ rows }: { rows: ImportResultRow[] }) {
  return (
    <ShownRows rows={rows} label="results">
      {(shown) => (
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Import results</caption>
          <thead className="bg-slate-50 text-xs text-slate-700">
            <tr>
              <Th>Line</Th>
              <Th>Id</Th>
              <Th>Name</Th>
              <Th>Result</Th>
              <Th>Changes</Th>
              <Th>PBX answer or error</Th>
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
                <td className="px-3 py-2 font-mono text-xs">{row.id}</td>
                <td className="px-3 py-2">
                  <bdi>{row.name ?? ""}</bdi>
                </td>
                <td className="px-3 py-2">
                  <Badge className={resultStyles[row.result]}>{row.result}</Badge>
                </td>
                <td className="min-w-48 px-3 py-2">
                  <Changes changes={row.changes} />
                </td>
                <td className="px-3 py-2 text-red-800">{pbxAnswer(row)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </ShownRows>
  );
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
