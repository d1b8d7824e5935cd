import {
  type ImportKind,
  agentPasswordSchema,
  createAgentRequestSchema,
  createQueueRequestSchema,
  nameSchema,
  updateAgentRequestSchema,
} from "@crystal-console/api";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../auth/passwords.ts";
import { defined } from "../test-support.ts";
import { createLimiter } from "./limit.ts";
import { type CsvRow, parseCsv } from "./parse.ts";
import { type PlannedRow, type Snapshot, planRows, settlePassword, summarize } from "./plan.ts";

const AGENTS = "agent_id,agent_name,agent_pass,agent_out_q,queues";
const QUEUES = "queue_id,queue_name";

let snapshot: Snapshot;

beforeAll(async () => {
  snapshot = {
    queues: new Map([
      ["2000", "Sales"],
      ["2001", "Support"],
      ["2002", "Billing"],
    ]),
    agents: new Map([
      [
        "1001",
        {
          active: true,
          name: "Noa Levi",
          outQueueId: "2000",
          passwordHash: await hashPassword("noa-pass", 10),
          queueIds: ["2000", "2001"],
        },
      ],
      ["1003", { active: false, name: "Gone", outQueueId: "2000", passwordHash: null, queueIds: [] }],
    ]),
  };
});

function plan(kind: ImportKind, lines: string[], sync = false): PlannedRow[] {
  return planRows(kind, parseCsv(kind, lines.join("\n")), snapshot, { sync });
}

/** The one row planned from a file with this row (line 2). */
function agentRow(row: string, sync = false) {
  const [planned] = plan("agents", [AGENTS, row], sync);
  return defined(planned, "the planned row").row;
}

describe("agent rows that are errors name the line and the column", () => {
  const cases: [string, string, string, RegExp][] = [
    ["malformed id", "10a1,Noa,pw,2000,", "agent_id", /1 to 10 digits/],
    ["id of 11 digits", "12345678901,Noa,pw,2000,", "agent_id", /1 to 10 digits/],
    ["missing id", ",Noa,pw,2000,", "agent_id", /Agent id is required/],
    ["name too long", `1002,${"א".repeat(65)},pw,2000,`, "agent_name", /1 to 64 characters/],
    ["missing name", "1002,  ,pw,2000,", "agent_name", /Agent name is required/],
    ["password with a space", "1002,Eli,my pass,2000,", "agent_pass", /without spaces/],
    ["password too long", `1002,Eli,${"x".repeat(33)},2000,`, "agent_pass", /1 to 32 characters/],
    ["missing password for a new agent", "1002,Eli,,2000,", "agent_pass", /required for a new agent/],
    ["malformed out queue", "1002,Eli,pw,20x0,", "agent_out_q", /1 to 10 digits/],
    ["missing out queue", "1002,Eli,pw,,", "agent_out_q", /Out queue is required/],
    ["unknown out queue", "1002,Eli,pw,2999,", "agent_out_q", /Queue 2999 does not exist in the console/],
    ["unknown queue", "1002,Eli,pw,2000,2000;2998;2999", "queues", /Queues 2998, 2999 do not exist/],
    ["malformed queue", "1002,Eli,pw,2000,2000;sales", "queues", /"sales" is not a queue id/],
    ["inactive (deleted) id", "1003,Gone,pw,2000,", "agent_id", /belonged to a deleted agent/],
    ["too few fields", "1002,Eli,pw", "row", /The row has 3 fields; the header has 5/],
  ];
  it.each(cases)("%s", (_, row, field, message) => {
    const planned = agentRow(row);
    expect(planned.line).toBe(2);
    expect(planned.plan).toBe("error");
    expect(planned.fields[field]).toMatch(message);
    expect(planned.error).toContain(`${field}: `);
  });

  it("a duplicate id is an error on every line that has it, naming the lines", () => {
    const rows = plan("agents", [AGENTS, "1002,Eli,pw,2000,", "1005,Tal,pw,2000,", "1002,Eli B,pw,2001,"]);
    expect(rows.map(({ row }) => [row.line, row.plan, row.fields.agent_id])).toEqual([
      [2, "error", "Id 1002 appears more than once in the file (lines 2, 4)"],
      [3, "create", undefined],
      [4, "error", "Id 1002 appears more than once in the file (lines 2, 4)"],
    ]);
  });

  it("reports every problem of a row, each under its column", () => {
    const planned = agentRow("1003,,a b,abc,x");
    expect(Object.keys(planned.fields).sort()).toEqual([
      "agent_id",
      "agent_name",
      "agent_out_q",
      "agent_pass",
      "queues",
    ]);
  });
});

describe("queue rows that are errors name the line and the column", () => {
  const cases: [string, string, string, RegExp][] = [
    ["malformed id", "20-00,Sales", "queue_id", /1 to 10 digits/],
    ["missing id", ",Sales", "queue_id", /Queue id is required/],
    ["name too long", `2005,${"n".repeat(65)}`, "queue_name", /1 to 64 characters/],
    ["missing name", "2005,", "queue_name", /Queue name is required/],
    ["control character in the name", "2005,Sa\u0007les", "queue_name", /control characters/],
  ];
  it.each(cases)("%s", (_, row, field, message) => {
    const planned = defined(plan("queues", [QUEUES, row])[0], "the planned row");
    expect(planned.row).toMatchObject({ line: 2, plan: "error" });
    expect(planned.row.fields[field]).toMatch(message);
  });

  it("a duplicate queue id", () => {
    const rows = plan("queues", [QUEUES, "2005,A", "2005,B"]);
    expect(rows.map(({ row }) => row.fields.queue_id)).toEqual([
      "Id 2005 appears more than once in the file (lines 2, 3)",
      "Id 2005 appears more than once in the file (lines 2, 3)",
    ]);
  });
});

describe("plans", () => {
  it("a new agent is created with its queues; the dry run cannot know the PBX has it (adopt)", () => {
    const planned = agentRow(" 1002 , Eli Cohen ,pw,2000, 2001 ; 2002 ;;2001");
    expect(planned).toMatchObject({ line: 2, id: "1002", name: "Eli Cohen", plan: "create", error: null });
    expect(planned.changes).toEqual([
      { field: "agent_name", from: null, to: "Eli Cohen" },
      { field: "agent_out_q", from: null, to: "2000" },
      { field: "agent_pass", from: null, to: null },
      { field: "queues", from: null, to: "2001;2002" },
    ]);
  });

  it("an existing agent as the registry has it, with an empty password, is unchanged", () => {
    expect(agentRow("1001,Noa Levi,,2000,2001;2000")).toMatchObject({ plan: "unchanged", changes: [] });
  });

  it("an existing agent is updated with what differs; memberships are added only, unless sync", () => {
    const addOnly = defined(plan("agents", [AGENTS, "1001,Noa L,,2002,2002;2001"])[0], "the planned row");
    expect(addOnly.row.plan).toBe("update");
    expect(addOnly.row.changes).toEqual([
      { field: "agent_name", from: "Noa Levi", to: "Noa L" },
      { field: "agent_out_q", from: "2000", to: "2002" },
      { field: "queues", from: "2000;2001", to: "2000;2001;2002" },
    ]);
    expect(addOnly.op).toMatchObject({ kind: "updateAgent", assign: ["2002"], release: [] });

    const synced = defined(
      plan("agents", [AGENTS, "1001,Noa Levi,,2000,2002;2001"], true)[0],
      "the planned row",
    );
    expect(synced.row.changes).toEqual([{ field: "queues", from: "2000;2001", to: "2001;2002" }]);
    expect(synced.op).toMatchObject({ kind: "updateAgent", assign: ["2002"], release: ["2000"] });
    expect(
      defined(plan("agents", [AGENTS, "1001,Noa Levi,,2000,2000;2001"], true)[0], "the planned row").row.plan,
    ).toBe("unchanged");
  });

  it("a password for an existing agent is a change only if it does not verify against the stored hash", async () => {
    const limit = createLimiter(2);
    const same = defined(
      plan("agents", [AGENTS, "1001,Noa Levi,noa-pass,2000,2000;2001"])[0],
      "the planned row",
    );
    expect(same.row.plan).toBe("update");
    await settlePassword(same, limit);
    expect(same.row).toMatchObject({ plan: "unchanged", changes: [] });
    expect(same.op).toBeNull();

    const other = defined(
      plan("agents", [AGENTS, "1001,Noa Levi,new-pass,2000,2000;2001"])[0],
      "the planned row",
    );
    await settlePassword(other, limit);
    expect(other.row).toMatchObject({
      plan: "update",
      changes: [{ field: "agent_pass", from: null, to: null }],
    });
    expect(other.op).toMatchObject({ kind: "updateAgent", edit: { password: "new-pass" } });

    const renamed = defined(plan("agents", [AGENTS, "1001,Noa B,noa-pass,2000,"])[0], "the planned row");
    await settlePassword(renamed, limit);
    expect(renamed.row.changes.map((change) => change.field)).toEqual(["agent_name"]);
    expect(renamed.op).toMatchObject({ edit: { name: "Noa B" } });
  });

  it("queues: create, update the name, unchanged", () => {
    const rows = plan("queues", [QUEUES, "2000,Sales", "2001,Support Team", "2005,שירות לקוחות"]);
    expect(rows.map(({ row }) => [row.id, row.plan, row.changes])).toEqual([
      ["2000", "unchanged", []],
      ["2001", "update", [{ field: "queue_name", from: "Support", to: "Support Team" }]],
      ["2005", "create", [{ field: "queue_name", from: null, to: "שירות לקוחות" }]],
    ]);
    expect(summarize(rows.map(({ row }) => row))).toEqual({
      total: 3,
      create: 1,
      adopt: 0,
      update: 1,
      unchanged: 1,
      error: 0,
    });
  });
});

describe("today's rules for new ids and names, while what the registry holds keeps working", () => {
  // A registry filled before these rules: ids with a leading zero, names with a bidi control.
  const legacy: Snapshot = {
    queues: new Map([
      ["0300", "Old queue"],
      ["2000", "Sales\u202E"],
    ]),
    agents: new Map([
      [
        "0123",
        { active: true, name: "Old \u202Eagent", outQueueId: "0300", passwordHash: null, queueIds: ["0300"] },
      ],
    ]),
  };
  const planLegacy = (kind: ImportKind, lines: string[]) =>
    planRows(kind, parseCsv(kind, lines.join("\n")), legacy, { sync: false }).map(({ row }) => row);
  const leadingZero = /must not start with 0 \(a PBX that keeps ids as numbers reads 04010 as 4010\)/;

  it("a new agent or queue id with a leading zero is an error row naming the id column", () => {
    const agents = planLegacy("agents", [AGENTS, "04010,New,pw,0300,", "0,Zero,pw,0300,"]);
    expect(agents.map((row) => [row.plan, row.fields.agent_id])).toEqual([
      ["error", expect.stringMatching(leadingZero)],
      ["error", expect.stringMatching(leadingZero)],
    ]);
    const queues = planLegacy("queues", [QUEUES, "04010,New", "0,Zero"]);
    expect(queues.map((row) => [row.plan, row.fields.queue_id])).toEqual([
      ["error", expect.stringMatching(leadingZero)],
      ["error", expect.stringMatching(leadingZero)],
    ]);
  });

  it("ids with a leading zero already in the registry: unchanged, updated, and usable as out queue and queues", () => {
    const agents = planLegacy("agents", [
      AGENTS,
      "0123,Old \u202Eagent,,0300,0300",
      "4000,New,pw,0300,0300;2000",
    ]);
    expect(agents.map((row) => [row.id, row.plan])).toEqual([
      ["0123", "unchanged"],
      ["4000", "create"],
    ]);
    const renamed = planLegacy("agents", [AGENTS, "0123,Renamed,,0300,0300"]);
    expect(renamed[0]).toMatchObject({ plan: "update", changes: [{ field: "agent_name", to: "Renamed" }] });
    const queues = planLegacy("queues", [QUEUES, "0300,Old queue", "2000,Sales\u202E"]);
    expect(queues.map((row) => row.plan)).toEqual(["unchanged", "unchanged"]);
  });

  it("a format character in a new or changed name is an error row naming the character", () => {
    const formatCharacter = /must not contain invisible format characters .*\(it has U\+202E\)/;
    const agents = planLegacy("agents", [
      AGENTS,
      "4001,Noa \u202Eilev,pw,0300,",
      "0123,Old \u202Eagent 2,,0300,",
    ]);
    expect(agents.map((row) => [row.plan, row.fields.agent_name])).toEqual([
      ["error", expect.stringMatching(formatCharacter)],
      ["error", expect.stringMatching(formatCharacter)],
    ]);
    const queues = planLegacy("queues", [QUEUES, "4001,Sa\u202Eles", "0300,Old \u200Fqueue"]);
    expect(queues.map((row) => row.plan)).toEqual(["error", "error"]);
    expect(defined(queues[1], "the second row").fields.queue_name).toMatch(/it has U\+200F/);
  });
});

describe("any rows (property-based)", () => {
  const junk = fc.oneof(
    fc.constantFrom("", " ", "0", "04010", "=1+1", "a\u202Eb", "x\u0007y", "2000;;sales", "1003"),
    fc.string({ unit: "grapheme", maxLength: 70 }),
    fc.string({ unit: "binary", maxLength: 40 }),
  );
  /** Each column: mostly values that could be valid (so rows get planned), often anything at all. */
  const column = {
    agent_id: fc.oneof(fc.stringMatching(/^ ?[1-9][0-9]{0,9} ?$/), fc.constant("1001"), junk),
    agent_name: fc.oneof(fc.constantFrom("Noa Levi", " Eli ", "שירה"), fc.string({ unit: "grapheme" }), junk),
    agent_pass: fc.oneof(fc.constantFrom("", "noa-pass"), fc.stringMatching(/^\S{1,32}$/), junk),
    agent_out_q: fc.oneof(fc.constantFrom("2000", " 2001 ", "2999"), junk),
    queues: fc.oneof(fc.constantFrom("", "2000;2001", "2001; 2002;;", "2998"), junk),
    queue_id: fc.oneof(fc.stringMatching(/^[1-9][0-9]{0,9}$/), fc.constantFrom("2000", "2001"), junk),
    queue_name: fc.oneof(
      fc.constantFrom("Sales", " Support Team ", "שירות"),
      fc.string({ unit: "grapheme" }),
      junk,
    ),
  };
  const rowOf = (columns: (keyof typeof column)[]) =>
    fc.record(Object.fromEntries(columns.map((name) => [name, column[name]])));
  /** Agent 1001 exactly as the registry has it. */
  const asRegistered = fc.constant({
    agent_id: "1001",
    agent_name: "Noa Levi",
    agent_pass: "",
    agent_out_q: "2000",
    queues: "2001;2000",
  });
  const toRows = (records: Record<string, string>[]): CsvRow[] =>
    records.map((values, index) => ({ line: index + 2, values }));

  it("agents: every row is planned (never a throw); what would be sent is exactly the row's values, valid by the contract", () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(rowOf(["agent_id", "agent_name", "agent_pass", "agent_out_q", "queues"]), asRegistered),
          {
            minLength: 1,
            maxLength: 8,
          },
        ),
        fc.boolean(),
        (records, sync) => {
          const rows = toRows(records);
          for (const [index, { row: planned, op }] of planRows("agents", rows, snapshot, {
            sync,
          }).entries()) {
            const source = defined(rows[index], `row ${index}`);
            const values = source.values;
            seen.add(planned.plan);
            expect(planned.line).toBe(source.line);
            if (planned.plan === "error") {
              expect(op).toBeNull();
              expect(Object.keys(planned.fields).length).toBeGreaterThan(0);
              expect(planned.error).toBeTruthy();
              continue;
            }
            expect(planned.id).toBe(defined(values.agent_id, "agent_id").trim());
            if (op?.kind === "createAgent") {
              expect(createAgentRequestSchema.parse(op.agent)).toEqual(op.agent);
              expect(op.agent).toEqual({
                id: defined(values.agent_id, "agent_id").trim(),
                name: defined(values.agent_name, "agent_name").trim(),
                password: values.agent_pass,
                outQueueId: defined(values.agent_out_q, "agent_out_q").trim(),
              });
            }
            if (op?.kind === "updateAgent") {
              // An edit may be empty: only memberships change, or a password waits to be checked (verify).
              if (Object.keys(op.edit).length > 0)
                expect(updateAgentRequestSchema.parse(op.edit)).toEqual(op.edit);
              if (op.verify) expect(agentPasswordSchema.parse(op.verify.password)).toBe(values.agent_pass);
              if (op.edit.name !== undefined)
                expect(op.edit.name).toBe(defined(values.agent_name, "agent_name").trim());
              if (op.edit.outQueueId !== undefined)
                expect(op.edit.outQueueId).toBe(defined(values.agent_out_q, "agent_out_q").trim());
            }
            if (op?.kind === "createAgent" || op?.kind === "updateAgent")
              for (const queueId of op.assign) expect(snapshot.queues.has(queueId)).toBe(true);
          }
        },
      ),
      { numRuns: 1000 },
    );
    expect([...seen].sort()).toEqual(["create", "error", "unchanged", "update"]);
  });

  it("queues: every row is planned; a create or rename sends exactly the trimmed, valid name", () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.array(rowOf(["queue_id", "queue_name"]), { minLength: 1, maxLength: 8 }), (records) => {
        const rows = toRows(records);
        for (const [index, { row: planned, op }] of planRows("queues", rows, snapshot, {
          sync: false,
        }).entries()) {
          const { values } = defined(rows[index], `row ${index}`);
          seen.add(planned.plan);
          if (planned.plan === "error") {
            expect(op).toBeNull();
            expect(Object.keys(planned.fields).length).toBeGreaterThan(0);
            continue;
          }
          if (op?.kind === "createQueue") {
            expect(createQueueRequestSchema.parse(op.queue)).toEqual(op.queue);
            expect(op.queue).toEqual({
              id: defined(values.queue_id, "queue_id").trim(),
              name: defined(values.queue_name, "queue_name").trim(),
            });
          }
          if (op?.kind === "updateQueue") {
            expect(nameSchema.parse(op.name)).toBe(op.name);
            expect(op).toEqual({
              kind: "updateQueue",
              id: defined(values.queue_id, "queue_id").trim(),
              name: defined(values.queue_name, "queue_name").trim(),
            });
          }
        }
      }),
      { numRuns: 1000 },
    );
    expect([...seen].sort()).toEqual(["create", "error", "unchanged", "update"]);
  });
});
