// The one CSV writer (design.md rule 9), and the one place that knows how its cells are protected.
//
// A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula (`=HYPERLINK(...)`,
// `=cmd|' /C calc'!A0`), and a leading tab or carriage return can hide one. Names are any Unicode, so such
// cells are valid names; every cell this writer writes that starts with one of those characters gets a `'`
// in front (OWASP's advice), which makes the spreadsheet show it as text. A cell that already starts with `'`
// gets one too, so the importer can undo exactly that: `restoreCell` drops one `'` before any of these
// characters, and export -> import gives back the very same values.
//
// Files are UTF-8 with a BOM and CRLF, so a spreadsheet opens Hebrew names correctly (the importer accepts
// both).
import { stringify } from "csv-stringify/sync";

const NEEDS_QUOTE_MARK = /^[=+\-@\t\r']/;
const QUOTE_MARKED = /^'(?=[=+\-@\t\r'])/;

/** The cell as the writer writes it: with a `'` in front when a spreadsheet could read it as a formula. */
export function neutraliseCell(value: string): string {
  return NEEDS_QUOTE_MARK.test(value) ? `'${value}` : value;
}

/** Undoes neutraliseCell, exactly: one `'` is dropped only where the writer would have put it. */
export function restoreCell(value: string): string {
  return value.replace(QUOTE_MARKED, "");
}

export type CsvCell = string | number;

/** A CSV file with a header row of `columns`, one line per record, every cell neutralised. */
export function writeCsv<Column extends string>(
  columns: readonly Column[],
  records: readonly Record<Column, CsvCell>[],
): string {
  return stringify(records as Record<Column, CsvCell>[], {
    header: true,
    bom: true,
    record_delimiter: "windows",
    // csv-stringify quotes a field with the record delimiter (CRLF) in it, but not one with a lone CR or LF,
    // which every reader takes for a new row.
    quoted_match: /[\r\n]/,
    columns: [...columns],
    cast: {
      string: neutraliseCell,
      number: (value) => neutraliseCell(String(value)),
    },
  });
}

export function csvResponseHeaders(filename: string): Record<string, string> {
  return {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="${filename}"`,
    "Cache-Control": "no-store",
  };
}
