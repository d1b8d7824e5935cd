// Formula injection (docs/security.md, "CSV files"): every CSV the console writes goes through one writer
// that puts a `'` before any cell a spreadsheet would run, and the importer takes exactly that `'` away.
import type { ImportJob, ImportPlanResponse } from "@crystal-console/api";
import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestConsole, startTestConsole } from "../test-support.ts";
import { neutraliseCell, restoreCell, writeCsv } from "./csv.ts";

/** The names from issue 9, and names that really start with the quote mark the writer adds. */
const DANGEROUS_NAMES = [
  '=HYPERLINK("http://x","y")',
  "=cmd|' /C calc'!A0",
  "+1+1",
  "-2+3",
  "@SUM(1+1)",
  "'Sales, as typed",
  "''Two marks",
];

/** A cell a spreadsheet would read as a formula (or that hides one behind a tab or CR). */
const RUNNABLE = /^[=+\-@\t\r]/;

/** Every cell of a CSV file as written (the quote marks kept), header row first. */
function cells(text: string): string[][] {
  const rows: string[][] = parse(text, { bom: true, relax_column_count: true });
  return rows;
}

describe("neutraliseCell and restoreCell", () => {
  it.each([
    ["=1+1", "'=1+1"],
    ["+1", "'+1"],
    ["-2+3", "'-2+3"],
    ["@SUM(1)", "'@SUM(1)"],
    ["\t=1", "'\t=1"],
    ["\r=1", "'\r=1"],
    ["'quoted", "''quoted"],
    ["Sales", "Sales"],
    ["1001", "1001"],
    ["", ""],
    [" =1", " =1"],
  ])("%j is written as %j and read back as it was", (value, written) => {
    expect(neutraliseCell(value)).toBe(written);
    expect(restoreCell(written)).toBe(value);
  });

  it("the importer drops a quote mark only where the writer would have put one", () => {
    expect(restoreCell("'Sales")).toBe("'Sales");
    expect(restoreCell("''Sales")).toBe("'Sales");
    expect(restoreCell("'")).toBe("'");
  });

  it("for any text: what is written never runs, and reads back exactly", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.string({ unit: "binary" })),
        (text) => {
          const written = neutraliseCell(text);
          expect(RUNNABLE.test(written)).toBe(false);
          expect(restoreCell(written)).toBe(text);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("writeCsv: every cell of any file is safe, and parsing the file gives back every value", () => {
    const cell = fc.oneof(fc.string({ unit: "grapheme" }), fc.constantFrom(...DANGEROUS_NAMES), fc.integer());
    fc.assert(
      fc.property(fc.array(fc.record({ a: cell, b: cell }), { minLength: 1, maxLength: 5 }), (records) => {
        const rows = cells(writeCsv(["a", "b"], records));
        expect(rows[0]).toEqual(["a", "b"]);
        expect(
          rows
            .slice(1)
            .flat()
            .filter((value) => RUNNABLE.test(value)),
        ).toEqual([]);
        expect(rows.slice(1).map((row) => row.map(restoreCell))).toEqual(
          records.map(({ a, b }) => [String(a), String(b)]),
        );
      }),
      { numRuns: 500 },
    );
  });
});

describe("the console's CSV files", () => {
  let t: TestConsole;

  async function send(method: string, path: string, body?: string) {
    const response = await fetch(`${t.url}${path}`, {
      method,
      headers: {
        cookie: t.admin.cookie ?? "",
        ...(method === "GET" ? {} : { "X-Requested-With": "crystal-console", "Content-Type": "text/csv" }),
      },
      ...(body === undefined ? {} : { body }),
    });
    return { status: response.status, text: await response.text() };
  }

  beforeAll(async () => {
    t = await startTestConsole();
    await t.admin.createQueue("2000", "Sales");
    for (const [index, name] of DANGEROUS_NAMES.entries()) {
      await t.admin.createQueue(String(2100 + index), name);
      await t.admin.createAgent(String(3100 + index), String(2100 + index), `pw-${index}`, name);
    }
  });

  afterAll(async () => {
    await t?.stop();
  });

  it("the exports quote-mark every name a spreadsheet would run, and importing them plans only unchanged", async () => {
    for (const kind of ["agents", "queues"] as const) {
      const exported = await send("GET", `/api/export/${kind}.csv`);
      expect(exported.status).toBe(200);
      const rows = cells(exported.text).slice(1);
      expect(rows.flat().filter((value) => RUNNABLE.test(value))).toEqual([]);
      const names = rows.map((row) => row[1]);
      for (const name of DANGEROUS_NAMES) expect(names).toContain(`'${name}`);

      const plan = await send("POST", `/api/import/${kind}?dryRun=true`, exported.text);
      expect(plan.status, plan.text).toBe(200);
      const body = JSON.parse(plan.text) as ImportPlanResponse;
      expect(body.rows.filter((row) => row.plan !== "unchanged")).toEqual([]);
      expect(body.summary.unchanged).toBe(kind === "agents" ? 7 : 8);
      expect(body.rows.map((row) => row.name)).toEqual(expect.arrayContaining(DANGEROUS_NAMES));
    }
  });

  it("the import report quote-marks the uploaded cells it repeats (an id of =1+1, a formula as a name)", async () => {
    const file = [
      "agent_id,agent_name,agent_pass,agent_out_q,queues",
      '=1+1,"=HYPERLINK(""http://x"",""y"")",pw,2000,',
      "3200,@SUM(1+1),pw-3200,2000,",
      "",
    ].join("\r\n");
    const started = await send("POST", "/api/import/agents?skipErrors=true", file);
    expect(started.status, started.text).toBe(202);
    const { jobId } = JSON.parse(started.text) as { jobId: string };
    let job: ImportJob;
    do {
      job = (JSON.parse((await send("GET", `/api/import/jobs/${jobId}`)).text) as { job: ImportJob }).job;
    } while (job.status === "running");

    const report = await send("GET", `/api/import/jobs/${jobId}/report.csv`);
    expect(report.status).toBe(200);
    const rows = cells(report.text).slice(1);
    expect(rows.flat().filter((value) => RUNNABLE.test(value))).toEqual([]);
    expect(rows.map((row) => [row[1], row[2], row[4]])).toEqual([
      ["'=1+1", `'=HYPERLINK("http://x","y")`, "skipped"],
      ["3200", "'@SUM(1+1)", "done"],
    ]);
  });
});
