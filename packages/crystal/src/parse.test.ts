import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  parseAgentAnswer,
  parseAnswer,
  parseManagementAnswer,
  AGENT_ACTIONS,
  MANAGEMENT_ACTIONS,
} from "./parse.ts";
import type { AgentAction, ManagementAction } from "./types.ts";

type Row<A extends string> = [action: A, answer: string, kind: string, extra?: Record<string, string>];

// Every answer line of the vendor reference (crystal-api.md Part 1), for the action it belongs to,
// with `$agent_id`/`$queue_id` filled in. new_agent's success text is the simulator's (Part 2).
const MANAGEMENT_TABLE: Row<ManagementAction>[] = [
  ["release_agent", "Failed:1:invalid or missing parameters", "invalidParams"],
  ["release_agent", "Failed:11:invalid queue id", "invalidQueue"],
  ["release_agent", "Failed:13:agent 7 is not assigned to queue 2000", "notAssigned"],
  ["release_agent", "Success:0:queue 2000 updated", "released"],
  ["assign_agent", "Failed:1:invalid or missing parameters", "invalidParams"],
  ["assign_agent", "Failed:11:invalid queue id", "invalidQueue"],
  ["assign_agent", "Failed:5:no such agent", "noSuchAgent"],
  ["assign_agent", "Failed:12:agent 7 is already assigned to queue 2000", "alreadyAssigned"],
  ["assign_agent", "Success:0:queue 2000 updated", "assigned"],
  ["edit_agent", "Failed:1:invalid or missing parameters", "invalidParams"],
  ["edit_agent", "Failed:5:no such agent", "noSuchAgent"],
  ["edit_agent", "Failed:10:nothing to do", "nothingToDo"],
  ["edit_agent", "Failed:10:agent 4496 not updated", "notUpdated"],
  ["edit_agent", "Success:0:agent 4496 updated", "updated"],
  ["new_agent", "Failed:1:invalid or missing parameters", "invalidParams"],
  ["new_agent", "Failed:4:agent already exists with id 4496", "exists"],
  ["new_agent", "Failed:9:inactive agent already exists with id 4496", "inactiveExists"],
  ["new_agent", "Failed:3:agent not created", "notCreated"],
  ["new_agent", "Success:0:agent created", "created"],
  ["new_agent", "Success:0:", "created"],
  ["new_agent", "Success:0:agent 4496 created", "created"],
  ["del_agent", "Failed:1:invalid or missing parameters", "invalidParams"],
  ["del_agent", "Failed:5:no such agent", "noSuchAgent"],
  ["del_agent", "Failed:6:agent not deleted", "notDeleted"],
  ["del_agent", "Success:0:agent deleted", "deleted"],
  ["del_agent", "Failed:2:agent cannot be deleted while logged in", "loggedIn"],
  ["edit_queue", "Failed:1:invalid or missing parameters", "invalidParams"],
  ["edit_queue", "Failed:7:no such queue with id 2000", "noSuchQueue"],
  ["edit_queue", "Failed:10:queue 2000 not updated", "notUpdated"],
  ["edit_queue", "Success:0:queue 2000 updated", "updated"],
  ["new_queue", "Failed:1:invalid or missing parameters", "invalidParams"],
  ["new_queue", "Failed:5:queue already exists", "exists"],
  ["new_queue", "Failed:5:queue not created", "notCreated"],
  ["new_queue", "Success:0:queue created", "created"],
  ["del_queue", "Failed:1:invalid or missing parameters", "invalidParams"],
  ["del_queue", "Failed:7:no such queue with id 2000", "noSuchQueue"],
  ["del_queue", "Failed:8:queue not deleted", "notDeleted"],
  ["del_queue", "Success:0:queue deleted", "deleted"],
];

const AGENT_TABLE: Row<AgentAction>[] = [
  ["login", "1: No such agent!", "noSuchAgent"],
  ["login", "2: no such extension", "noSuchExtension"],
  ["login", "3: Agent 201 not logged off!", "notLoggedOff"],
  ["login", "4: Exten 501 is inuse by 202", "extensionInUse", { byAgentId: "202" }],
  ["login", "0: OK login,201,501", "ok", { extension: "501" }],
  ...(["logoff", "pause", "online", "mission"] as const).flatMap((action): Row<AgentAction>[] => [
    [action, "1: No such agent!", "noSuchAgent"],
    [action, "5: Agent 201 is already logged off!", "alreadyLoggedOff"],
    [action, `0: OK ${action},201,501`, "ok", { extension: "501" }],
  ]),
];

function codeAndMessage(answer: string): { code: number; message: string } {
  const management = /^(?:Success|Failed):(\d+):(.*)$/.exec(answer);
  if (management) return { code: Number(management[1]), message: management[2] ?? "" };
  const agent = /^(\d+): (.*)$/.exec(answer);
  return { code: Number(agent?.[1]), message: agent?.[2] ?? "" };
}

describe("management answers from the vendor reference", () => {
  it.each(MANAGEMENT_TABLE)("%s: %s -> %s", (action, answer, kind) => {
    expect(parseManagementAnswer(action, answer)).toEqual({ outcome: { kind, pbx: codeAndMessage(answer) } });
  });
});

describe("agent command answers from the vendor reference", () => {
  it.each(AGENT_TABLE)("%s: %s -> %s", (action, answer, kind, extra) => {
    expect(parseAgentAnswer(action, answer)).toEqual({
      outcome: { kind, pbx: codeAndMessage(answer), ...extra },
    });
  });
});

describe("tolerance", () => {
  const wrapped = (line: string) => [
    `${line}\n`,
    `${line}\r\n`,
    `\uFEFF${line}`,
    `\uFEFF${line}\r\n`,
    `  \t${line} \r\n\r\n`,
    `\r\n${line}`,
  ];

  it.each(wrapped("Failed:13:agent 7 is not assigned to queue 2000"))("management %j", (text) => {
    expect(parseManagementAnswer("release_agent", text)).toEqual({
      outcome: { kind: "notAssigned", pbx: { code: 13, message: "agent 7 is not assigned to queue 2000" } },
    });
  });

  it.each(wrapped("0: OK login,201,501"))("agent %j", (text) => {
    expect(parseAgentAnswer("login", text)).toEqual({
      outcome: { kind: "ok", extension: "501", pbx: { code: 0, message: "OK login,201,501" } },
    });
  });

  it.each([
    ["release_agent", "Failed:13: Agent 7  is NOT assigned to queue 2000. ", "notAssigned"],
    ["new_queue", "failed:5:Queue Already Exists", "exists"],
    ["edit_agent", "Failed:10:  Nothing   to do ", "nothingToDo"],
    ["assign_agent", "SUCCESS:0:Queue 2000 Updated", "assigned"],
  ] as const)("messages match case- and space-insensitively: %s %j", (action, text, kind) => {
    const result = parseManagementAnswer(action, text);
    expect("outcome" in result && result.outcome.kind).toBe(kind);
  });

  it.each([
    ["login", "4:Exten 501 is in use by 202", "extensionInUse"],
    ["login", "1: no such agent", "noSuchAgent"],
    ["login", "0: ok login, 201, 501", "ok"],
    ["pause", "5:  agent 201 is already logged off", "alreadyLoggedOff"],
  ] as const)("agent messages match tolerantly: %s %j", (action, text, kind) => {
    const result = parseAgentAnswer(action, text);
    expect("outcome" in result && result.outcome.kind).toBe(kind);
  });

  it("keeps the message trimmed but otherwise as sent", () => {
    expect(parseManagementAnswer("del_queue", "  Failed:8:  queue NOT deleted  \r\n")).toEqual({
      outcome: { kind: "notDeleted", pbx: { code: 8, message: "queue NOT deleted" } },
    });
  });

  it("reads ids of any length where the vendor writes $agent_id", () => {
    const result = parseManagementAnswer(
      "assign_agent",
      "Failed:12:agent 1234567890 is already assigned to queue 1",
    );
    expect("outcome" in result && result.outcome.kind).toBe("alreadyAssigned");
  });
});

describe("the same code means different things per action", () => {
  it.each([
    ["assign_agent", "Failed:5:no such agent", "noSuchAgent"],
    ["edit_agent", "Failed:5:no such agent", "noSuchAgent"],
    ["del_agent", "Failed:5:no such agent", "noSuchAgent"],
    ["new_queue", "Failed:5:queue already exists", "exists"],
    ["new_queue", "Failed:5:queue not created", "notCreated"],
    ["new_queue", "Failed:5:no such agent", "unexpected"],
    ["new_agent", "Failed:5:no such agent", "unexpected"],
    ["assign_agent", "Failed:5:queue already exists", "unexpected"],
    ["edit_agent", "Failed:10:nothing to do", "nothingToDo"],
    ["edit_agent", "Failed:10:agent 7 not updated", "notUpdated"],
    ["edit_queue", "Failed:10:queue 7 not updated", "notUpdated"],
    ["edit_queue", "Failed:10:nothing to do", "unexpected"],
    ["edit_agent", "Failed:10:queue 7 not updated", "unexpected"],
    ["assign_agent", "Success:0:queue 2000 updated", "assigned"],
    ["release_agent", "Success:0:queue 2000 updated", "released"],
    ["edit_queue", "Success:0:queue 2000 updated", "updated"],
    ["edit_agent", "Success:0:queue 2000 updated", "unexpected"],
  ] as const)("%s: %s -> %s", (action, text, kind) => {
    const result = parseManagementAnswer(action, text);
    expect("outcome" in result && result.outcome.kind).toBe(kind);
  });

  it.each([
    ["login", "5: Agent 201 is already logged off!", "unexpected"],
    ["logoff", "5: Agent 201 is already logged off!", "alreadyLoggedOff"],
    ["pause", "3: Agent 201 not logged off!", "unexpected"],
    ["pause", "2: no such extension", "unexpected"],
    ["pause", "0: OK online,201,501", "unexpected"],
    ["online", "0: OK online,201,501", "ok"],
  ] as const)("%s: %s -> %s", (action, text, kind) => {
    const result = parseAgentAnswer(action, text);
    expect("outcome" in result && result.outcome.kind).toBe(kind);
  });
});

describe("unexpected answers (known grammar, unknown code or message)", () => {
  it.each([
    ["new_queue", "Failed:42:the moon is full", 42, "the moon is full"],
    ["del_agent", "Failed:5:queue already exists", 5, "queue already exists"],
    ["release_agent", "Failed:0:queue 2000 updated", 0, "queue 2000 updated"],
    ["del_queue", "Success:0:queue 2000 updated", 0, "queue 2000 updated"],
    ["edit_agent", "Failed:1:", 1, ""],
  ] as const)("%s: %s", (action, text, code, message) => {
    expect(parseManagementAnswer(action, text)).toEqual({
      outcome: { kind: "unexpected", pbx: { code, message } },
    });
  });

  it.each([
    ["login", "9: Something else", 9, "Something else"],
    ["login", "0: OK login,201,", 0, "OK login,201,"],
    ["mission", "0: OK", 0, "OK"],
    ["login", "4: Exten 501 is inuse by somebody", 4, "Exten 501 is inuse by somebody"],
  ] as const)("%s: %s", (action, text, code, message) => {
    expect(parseAgentAnswer(action, text)).toEqual({
      outcome: { kind: "unexpected", pbx: { code, message } },
    });
  });
});

describe("protocol errors", () => {
  const garbage = [
    "",
    "   \r\n",
    "OK",
    "<html><body>500 Internal Server Error</body></html>",
    "<!DOCTYPE html>\n<html></html>",
    "Success:1:queue created",
    "Success::queue created",
    "Failed:x:no",
    "Failed:1:invalid or missing parameters\nFailed:1:again",
    "Warning: mysql_connect() failed in /var/www/management_api.php on line 3\nSuccess:0:queue created",
    "Failed:12345678901:too long a code",
  ];

  it.each(garbage)("management %j", (text) => {
    const result = parseManagementAnswer("new_queue", text);
    expect(result).toHaveProperty("protocolError");
  });

  it.each([...garbage, "0 OK login,201,501", "Success:0:queue created", ": OK", "-1: no"])(
    "agent %j",
    (text) => {
      expect(parseAgentAnswer("login", text)).toHaveProperty("protocolError");
    },
  );

  it("keeps the raw text, redacted and cut to 500 characters", () => {
    const text = `<pre>GET /management_api.php?action=new_agent&agent_pass=hunter2&secure=s3cr3t</pre>${"x".repeat(600)}`;
    const result = parseManagementAnswer("new_agent", text);
    if (!("protocolError" in result)) throw new Error("expected a protocol error");
    expect(result.protocolError).toHaveLength(500);
    expect(result.protocolError).toContain("agent_pass=***&secure=***");
    expect(result.protocolError).not.toMatch(/hunter2|s3cr3t/);
  });

  it("a management answer to an agent command (and the reverse) is a protocol error", () => {
    expect(parseAgentAnswer("login", "Failed:1:invalid or missing parameters")).toHaveProperty(
      "protocolError",
    );
    expect(parseManagementAnswer("new_queue", "1: No such agent!")).toHaveProperty("protocolError");
  });
});

describe("parseAnswer picks the endpoint's grammar", () => {
  it("for every action", () => {
    for (const action of MANAGEMENT_ACTIONS) {
      expect(parseAnswer(action, "Failed:1:invalid or missing parameters")).toHaveProperty("outcome");
    }
    for (const action of AGENT_ACTIONS) {
      expect(parseAnswer(action, "1: No such agent!")).toHaveProperty("outcome.kind", "noSuchAgent");
    }
  });
});

describe("the parsers never throw", () => {
  const actions = [...MANAGEMENT_ACTIONS, ...AGENT_ACTIONS];
  const answerLike = fc
    .tuple(
      fc.constantFrom("Success:", "Failed:", "0: ", "1:", "\uFEFF", "", " ", "\r\n"),
      fc.oneof(fc.nat(), fc.string()),
      fc.constantFrom(":", ": ", ""),
      fc.string({ unit: "grapheme" }),
    )
    .map(([head, code, colon, rest]) => `${head}${code}${colon}${rest}`);
  const anyText = fc.oneof(
    fc.string(),
    fc.string({ unit: "binary" }),
    fc.string({ unit: "grapheme-composite" }),
    answerLike,
  );

  it("on arbitrary strings, for every action", () => {
    fc.assert(
      fc.property(fc.constantFrom(...actions), anyText, (action, text) => {
        const result = parseAnswer(action, text);
        expect("outcome" in result || "protocolError" in result).toBe(true);
        if ("protocolError" in result) expect(result.protocolError.length).toBeLessThanOrEqual(500);
      }),
      { numRuns: 2000 },
    );
  });

  it("on random bytes, decoded as the transport decodes a body (UTF-8, bad bytes replaced)", () => {
    const utf8 = new TextDecoder("utf-8");
    fc.assert(
      fc.property(fc.constantFrom(...actions), fc.uint8Array({ maxLength: 600 }), (action, bytes) => {
        const result = parseAnswer(action, utf8.decode(bytes));
        expect("outcome" in result || "protocolError" in result).toBe(true);
        if ("protocolError" in result) expect(result.protocolError.length).toBeLessThanOrEqual(500);
      }),
      { numRuns: 2000 },
    );
  });

  it("every answer of the vendor reference reads the same inside any surrounding whitespace, CRLF and BOM", () => {
    const around = fc.stringMatching(/^[ \t\r\n]{0,6}$/);
    const table = [...MANAGEMENT_TABLE, ...AGENT_TABLE];
    fc.assert(
      fc.property(
        fc.constantFrom(...table),
        around,
        around,
        fc.boolean(),
        ([action, answer], before, after, bom) => {
          const text = `${bom ? "\uFEFF" : ""}${before}${answer}${after}`;
          expect(parseAnswer(action, text)).toEqual(parseAnswer(action, answer));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("on an unknown action (a caller bug) with a well-formed answer: unexpected", () => {
    const result = parseManagementAnswer("nope" as ManagementAction, "Success:0:queue created");
    expect("outcome" in result && result.outcome.kind).toBe("unexpected");
    expect(parseAnswer("nope" as AgentAction, "0: OK")).toHaveProperty("protocolError");
  });
});
