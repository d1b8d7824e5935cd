import { agentCsvColumns } from "@crystal-console/api";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HttpError } from "../http/errors.ts";
import { writeCsv } from "./csv.ts";
import { type CsvRow, decodeCsv, parseCsv } from "./parse.ts";
import { defined } from "../test-support.ts";

const HEADER = "agent_id,agent_name,agent_pass,agent_out_q,queues";

function fileError(run: () => unknown): { message: string; fields: Record<string, string> } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    const httpError = error as HttpError;
    expect(httpError.status).toBe(400);
    return { message: httpError.message, fields: httpError.details.fields ?? {} };
  }
  throw new Error("expected a 400");
}

describe("parseCsv", () => {
  it("reads what spreadsheets write: BOM, CRLF, quoted commas and quotes, Hebrew, blank trailing lines", () => {
    const text =
      "\uFEFF" +
      [
        HEADER,
        '1001,"Levi, Noa",pw1,2000,2000;2001',
        '1002,"Dana ""DJ"" Cohen",pw2,2000,',
        "1003,שירה אברהם,pw3,2001,2001",
        "",
        ",,,,",
        "",
      ].join("\r\n");
    const rows = parseCsv("agents", text);
    expect(rows).toEqual([
      {
        line: 2,
        values: {
          agent_id: "1001",
          agent_name: "Levi, Noa",
          agent_pass: "pw1",
          agent_out_q: "2000",
          queues: "2000;2001",
        },
      },
      {
        line: 3,
        values: {
          agent_id: "1002",
          agent_name: 'Dana "DJ" Cohen',
          agent_pass: "pw2",
          agent_out_q: "2000",
          queues: "",
        },
      },
      {
        line: 4,
        values: {
          agent_id: "1003",
          agent_name: "שירה אברהם",
          agent_pass: "pw3",
          agent_out_q: "2001",
          queues: "2001",
        },
      },
    ]);
  });

  it("takes the column order from the header, case and spaces aside", () => {
    const rows = parseCsv("queues", " Queue_Name , queue_id\nSales,2000\n");
    expect(rows).toEqual([{ line: 2, values: { queue_id: "2000", queue_name: "Sales" } }]);
  });

  it("leaves optional agent columns empty when the header lacks them", () => {
    const rows = parseCsv("agents", "agent_id,agent_name,agent_out_q\n1001,Noa,2000\n");
    expect(rows[0]?.values).toEqual({
      agent_id: "1001",
      agent_name: "Noa",
      agent_pass: "",
      agent_out_q: "2000",
      queues: "",
    });
  });

  it("numbers rows by the line they start on, across blank lines and quoted line breaks", () => {
    const rows = parseCsv(
      "queues",
      'queue_id,queue_name\r\n\r\n2000,"Sales\r\nNorth"\r\n\r\n2001,Support\r\n',
    );
    expect(rows.map((row) => [row.line, row.values.queue_id])).toEqual([
      [3, "2000"],
      [6, "2001"],
    ]);
  });

  it("marks a row with the wrong number of fields, naming its line", () => {
    const rows = parseCsv("queues", "queue_id,queue_name\n2000,Sales\n2001\n2002,Billing,extra\n");
    expect(rows.map((row) => [row.line, row.problem])).toEqual([
      [2, undefined],
      [3, "The row has 1 field; the header has 2"],
      [4, "The row has 3 fields; the header has 2"],
    ]);
  });

  it("refuses an empty file, a header without rows, and a file of blank lines", () => {
    expect(fileError(() => parseCsv("queues", "")).message).toMatch(/empty/);
    expect(fileError(() => parseCsv("queues", "\r\n\r\n,\r\n")).message).toMatch(/empty/);
    expect(fileError(() => parseCsv("queues", "queue_id,queue_name\r\n\r\n")).message).toMatch(/no rows/);
  });

  it("refuses a header with an unknown, repeated or missing column, naming the header", () => {
    const unknown = fileError(() => parseCsv("queues", "queue_id,queue_nmae\n2000,Sales\n"));
    expect(unknown.fields.header).toMatch(/unknown column "queue_nmae"/);
    const repeated = fileError(() => parseCsv("queues", "queue_id,queue_name,queue_id\n2000,Sales,2000\n"));
    expect(repeated.fields.header).toMatch(/queue_id more than once/);
    const missing = fileError(() => parseCsv("agents", "agent_id,agent_name\n1001,Noa\n"));
    expect(missing.fields.header).toMatch(/lacks agent_out_q/);
  });

  it("refuses a quote that is never closed, and text after a closing quote", () => {
    expect(
      fileError(() => parseCsv("queues", 'queue_id,queue_name\n2000,"Sales\n2001,Support\n')).fields.file,
    ).toMatch(/never closed/);
    expect(fileError(() => parseCsv("queues", 'queue_id,queue_name\n2000,"Sales"x\n')).fields.file).toMatch(
      /line 2/,
    );
  });

  it("refuses a stray quote inside an unquoted field rather than guess", () => {
    expect(fileError(() => parseCsv("queues", 'queue_id,queue_name\n2000,Sales "A"\n')).fields.file).toMatch(
      /quote appears inside an unquoted field \(line 2\)/,
    );
  });
});

describe("decodeCsv", () => {
  it("decodes UTF-8 and keeps the BOM for the parser to drop", () => {
    const bytes = new TextEncoder().encode("\uFEFFqueue_id,queue_name\n2004,שירות\n");
    expect(parseCsv("queues", decodeCsv(bytes))[0]?.values.queue_name).toBe("שירות");
  });

  it("refuses a file that is not UTF-8 (a legacy code page), saying how to save it", () => {
    const windows1255 = Uint8Array.from([0x32, 0x30, 0x30, 0x34, 0x2c, 0xf9, 0xe9, 0xf8, 0xe5, 0xfa]);
    expect(fileError(() => decodeCsv(windows1255)).message).toMatch(/CSV UTF-8/);
  });
});

describe("any input (property-based)", () => {
  const anyText = fc.oneof(
    fc.string(),
    fc.string({ unit: "binary" }),
    fc.string({ unit: "grapheme" }),
    fc.constantFrom('"', '""', '"a"b', "a,b", "\r\n", "\n\n", ",,,,", "\uFEFF", "'=1+1"),
  );

  /** parseCsv's contract: rows, or a 400 HttpError naming the file or the header; nothing else. */
  function rowsOrFileError(run: () => unknown) {
    try {
      return run();
    } catch (error) {
      expect(error).toBeInstanceOf(HttpError);
      expect((error as HttpError).status).toBe(400);
      expect(Object.keys((error as HttpError).details.fields ?? {})).toEqual([
        expect.stringMatching(/^(file|header)$/),
      ]);
      return null;
    }
  }

  it("random bytes: decoded and parsed, or refused with 400, never another error", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom("agents", "queues"), (bytes, kind) => {
        rowsOrFileError(() => parseCsv(kind, decodeCsv(bytes)));
        const withHeader = new Uint8Array([...new TextEncoder().encode(`${HEADER}\n`), ...bytes]);
        rowsOrFileError(() => parseCsv("agents", decodeCsv(withHeader)));
      }),
      { numRuns: 1000 },
    );
  });

  it("random Unicode after a valid header: rows with every column, or a 400", () => {
    fc.assert(
      fc.property(fc.array(anyText, { maxLength: 12 }), (parts) => {
        const rows = rowsOrFileError(() => parseCsv("agents", `${HEADER}\n${parts.join("")}`));
        if (rows === null) return;
        for (const row of rows as CsvRow[]) {
          expect(Object.keys(row.values).sort()).toEqual([...agentCsvColumns].sort());
          expect(row.line).toBeGreaterThanOrEqual(2);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("what the console's writer writes, the parser reads back: every value, on the line it starts on", () => {
    // The parser reads every line break as \n, so values here have no \r (no valid value has one).
    const value = anyText.map((text) => text.replace(/\r/g, ""));
    const record = fc.record({
      agent_id: fc.stringMatching(/^[0-9]{1,10}$/),
      agent_name: value,
      agent_pass: value,
      agent_out_q: value,
      queues: value,
    });
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 6 }), (records) => {
        const rows = parseCsv("agents", writeCsv(agentCsvColumns, records));
        expect(rows.map((row) => row.values)).toEqual(records);
        let line = 2;
        for (const [index, row] of rows.entries()) {
          expect(row.line).toBe(line);
          line += Object.values(defined(records[index], `record ${index}`))
            .join("")
            .split("\n").length;
        }
      }),
      { numRuns: 500 },
    );
  });
});
