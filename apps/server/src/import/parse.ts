// Reading an import CSV into rows keyed by column, with the line each row starts on. Accepts what
// spreadsheets write: a UTF-8 BOM, CRLF or LF, quoted fields with commas, quotes and line breaks, any
// Unicode, blank and comma-only lines. A cell the console's own writer protected from spreadsheets (a `'`
// before `=`, `+`, `-`, `@`, tab, CR or `'`: csv.ts) is read back as it was before. Problems with the file
// as a whole (not UTF-8, no header, a quote never closed) are a 400; a row with the wrong number of fields
// is a row error the plan reports.
import { IMPORT_MAX_ROWS, type ImportKind, agentCsvColumns, queueCsvColumns } from "@crystal-console/api";
import { CsvError, parse } from "csv-parse/sync";
import { HttpError } from "../http/errors.ts";
import { restoreCell } from "./csv.ts";

export type CsvRow = {
  /** Line in the file where the row starts (the header is line 1). */
  line: number;
  /** Every known column, "" when the row leaves it empty or the header lacks an optional column. */
  values: Record<string, string>;
  /** Set when the row has more or fewer fields than the header. */
  problem?: string;
};

export const csvColumns: Record<ImportKind, { all: readonly string[]; required: readonly string[] }> = {
  agents: { all: agentCsvColumns, required: ["agent_id", "agent_name", "agent_out_q"] },
  queues: { all: queueCsvColumns, required: queueCsvColumns },
};

const fileError = (message: string, field = "file") =>
  new HttpError(400, "VALIDATION", message, { fields: { [field]: message } });

/** The body as text: UTF-8 only (a legacy code page would silently garble Hebrew names). */
export function decodeCsv(body: ArrayBuffer | Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    throw fileError('The file is not UTF-8 text. Save it from the spreadsheet as "CSV UTF-8" and try again.');
  }
}

type Parsed = { record: string[]; info: { lines: number; error?: unknown } };

export function parseCsv(kind: ImportKind, input: string): CsvRow[] {
  // One line break everywhere, so csv-parse counts lines exactly (it counts a quoted CRLF as two).
  const text = input.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  let records: Parsed[];
  try {
    records = parse(text, {
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      record_delimiter: "\n",
    }) as unknown as Parsed[];
  } catch (error) {
    if (error instanceof CsvError) throw fileError(describeCsvError(error));
    throw error;
  }

  const rows = records
    .map(({ record, info }) => ({
      record,
      // info.lines is the line the record ends on; quoted line breaks move its start up.
      line: info.lines - record.reduce((sum, field) => sum + (field.match(/\n/g)?.length ?? 0), 0),
    }))
    .filter(({ record }) => record.some((field) => field.trim() !== ""));

  const [header, ...data] = rows;
  if (!header) throw fileError("The file is empty: it needs a header row and at least one row.");
  const columns = readHeader(kind, header.record);
  if (data.length === 0) throw fileError("The file has a header but no rows.");
  if (data.length > IMPORT_MAX_ROWS) {
    throw fileError(`The file has ${data.length} rows; one import takes at most ${IMPORT_MAX_ROWS}.`);
  }

  return data.map(({ record, line }) => {
    const values = Object.fromEntries(csvColumns[kind].all.map((column) => [column, ""]));
    columns.forEach((column, index) => {
      values[column] = restoreCell(record[index] ?? "");
    });
    const row: CsvRow = { line, values };
    if (record.length !== columns.length) {
      row.problem = `The row has ${record.length} field${record.length === 1 ? "" : "s"}; the header has ${columns.length}`;
    }
    return row;
  });
}

function readHeader(kind: ImportKind, header: string[]): string[] {
  const { all, required } = csvColumns[kind];
  const columns = header.map((name) => name.trim().toLowerCase());
  const expected = `Expected the columns ${all.join(",")}`;
  const unknown = columns.filter((column) => !all.includes(column));
  if (unknown.length > 0) {
    throw fileError(
      `Line 1 (the header) has unknown column${unknown.length === 1 ? "" : "s"} ${unknown.map((c) => `"${c}"`).join(", ")}. ${expected}.`,
      "header",
    );
  }
  const repeated = columns.filter((column, index) => columns.indexOf(column) !== index);
  if (repeated.length > 0) {
    throw fileError(
      `Line 1 (the header) names ${repeated.join(", ")} more than once. ${expected}.`,
      "header",
    );
  }
  const missing = required.filter((column) => !columns.includes(column));
  if (missing.length > 0) {
    throw fileError(`Line 1 (the header) lacks ${missing.join(", ")}. ${expected}.`, "header");
  }
  return columns;
}

function describeCsvError(error: CsvError): string {
  const line = (error as CsvError & { lines?: number }).lines;
  const at = line === undefined ? "" : ` (line ${line})`;
  switch (error.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return `A quoted field is never closed: the file ends inside it${at}. Every opening " needs a closing ".`;
    case "INVALID_OPENING_QUOTE":
      return `A quote appears inside an unquoted field${at}: quote the whole field and write the quote as "".`;
    case "CSV_INVALID_CLOSING_QUOTE":
      return `Text follows a closing quote${at}: inside a quoted field, write a quote as "".`;
    default:
      return `The file is not valid CSV${at}: ${error.message}`;
  }
}
