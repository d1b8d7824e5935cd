import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PbxInputError } from "./errors.ts";
import { redact } from "./redact.ts";
import {
  AGENT_COMMAND_PATH,
  buildPath,
  MANAGEMENT_PATH,
  parseBaseUrl,
  pathBuilder,
  type PreparedCall,
  prepare,
} from "./request.ts";

const SECURE = "s3cr3t-Code";

function query(path: string): URLSearchParams {
  return new URL(path, "http://pbx").searchParams;
}

describe("base URLs", () => {
  it.each([
    ["http://pbx", "http://pbx", ""],
    ["http://pbx/", "http://pbx", ""],
    ["https://pbx.example:8443/", "https://pbx.example:8443", ""],
    ["http://10.0.0.5/crystal/", "http://10.0.0.5", "/crystal"],
    ["http://10.0.0.5/crystal//", "http://10.0.0.5", "/crystal"],
    ["http://[::1]:8080/a/b", "http://[::1]:8080", "/a/b"],
  ])("%s", (baseUrl, origin, basePath) => {
    expect(parseBaseUrl(baseUrl)).toEqual({ origin, basePath });
  });

  it("joins the endpoint without double slashes", () => {
    const { basePath } = parseBaseUrl("http://10.0.0.5/crystal/");
    const path = buildPath(basePath, SECURE, prepare.deleteQueue({ queueId: "2000" }));
    expect(path).toBe(`/crystal${MANAGEMENT_PATH}?action=del_queue&queue_id=2000&secure=${SECURE}`);
    expect(buildPath("", SECURE, prepare.pause({ agentId: "201" }))).toBe(
      `${AGENT_COMMAND_PATH}?action=pause&agid=201`,
    );
  });

  it.each([
    "ftp://pbx",
    "file:///etc/passwd",
    "pbx",
    "",
    "http://user:pw@pbx",
    "http://pbx/?secure=1",
    "http://pbx/#x",
  ])("refuses %j with a clear error", (baseUrl) => {
    expect(() => parseBaseUrl(baseUrl)).toThrow(/PBX base URL/);
  });
});

describe("requests", () => {
  it("management calls carry action, their parameters and secure, in the vendor's names", () => {
    const params = query(
      buildPath(
        "",
        SECURE,
        prepare.newAgent({ agentId: "4496", password: "12345678", name: "DemoAgent", outQueueId: "2000" }),
      ),
    );
    expect([...params]).toEqual([
      ["action", "new_agent"],
      ["agent_id", "4496"],
      ["agent_pass", "12345678"],
      ["agent_name", "DemoAgent"],
      ["agent_out_q", "2000"],
      ["secure", SECURE],
    ]);
  });

  it("agent commands carry no secure", () => {
    const path = buildPath("", SECURE, prepare.login({ agentId: "201", extension: "501" }));
    expect([...query(path)]).toEqual([
      ["action", "login"],
      ["agid", "201"],
      ["agext", "501"],
    ]);
    expect(path).not.toContain(SECURE);
  });

  it("edit_agent sends only the fields given", () => {
    const path = buildPath("", SECURE, prepare.editAgent({ agentId: "7", name: "  Dana  " }));
    expect([...query(path)]).toEqual([
      ["action", "edit_agent"],
      ["agent_id", "7"],
      ["agent_name", "Dana"],
      ["secure", SECURE],
    ]);
  });

  it("encodes Hebrew, &, #, %, + and spaces as UTF-8, spaces as %20", () => {
    const name = "דנה כהן & #1 100% +";
    const path = buildPath("", SECURE, prepare.newQueue({ queueId: "2000", name }));
    expect(path).toContain(
      "queue_name=%D7%93%D7%A0%D7%94%20%D7%9B%D7%94%D7%9F%20%26%20%231%20100%25%20%2B&secure=",
    );
    expect(query(path).get("queue_name")).toBe(name);
  });
});

describe("building a URL round-trips any name and password", () => {
  const nameArb = fc
    .oneof(
      fc.string({ unit: "grapheme", minLength: 1, maxLength: 64 }),
      fc.string({ unit: "binary", minLength: 1, maxLength: 64 }),
      fc.constantFrom(
        "&secure=x",
        "a&agent_id=1",
        "#frag",
        "%26",
        "+",
        "a+b c",
        "x=y",
        "?q",
        "ש&ל#ו%ם+",
        "it's (*)!",
      ),
    )
    .filter((value) => {
      try {
        prepare.newQueue({ queueId: "1", name: value });
        return true;
      } catch {
        return false;
      }
    });
  const passwordArb = fc
    .oneof(
      fc.string({ unit: "grapheme", minLength: 1, maxLength: 32 }),
      fc.constantFrom("&secure=x", "%26", "p#ss", "a+b", "=&=&", "'!()*"),
    )
    .filter((value) => {
      try {
        prepare.editAgent({ agentId: "1", password: value });
        return true;
      } catch {
        return false;
      }
    });

  it("new_agent: the parsed URL gives back exactly the trimmed values, and nothing else", () => {
    fc.assert(
      fc.property(nameArb, passwordArb, (name, password) => {
        const path = buildPath(
          "/prefix",
          SECURE,
          prepare.newAgent({ agentId: "42", password, name, outQueueId: "2000" }),
        );
        const url = new URL(path, "http://pbx");
        expect(url.hash).toBe("");
        expect(url.pathname).toBe(`/prefix${MANAGEMENT_PATH}`);
        expect([...url.searchParams]).toEqual([
          ["action", "new_agent"],
          ["agent_id", "42"],
          ["agent_pass", password],
          ["agent_name", name.trim()],
          ["agent_out_q", "2000"],
          ["secure", SECURE],
        ]);
      }),
      { numRuns: 1000 },
    );
  });

  it("a client's precomputed paths equal buildPath for every call", () => {
    const secureArb = fc.string({ unit: "grapheme", minLength: 1, maxLength: 32 });
    fc.assert(
      fc.property(
        nameArb,
        passwordArb,
        secureArb,
        fc.constantFrom("", "/crystal"),
        (name, password, secure, base) => {
          const build = pathBuilder(base, secure);
          const calls = [
            prepare.newAgent({ agentId: "42", password, name, outQueueId: "2000" }),
            prepare.editAgent({ agentId: "7", password, name }),
            prepare.deleteAgent({ agentId: "7" }),
            prepare.newQueue({ queueId: "1", name }),
            prepare.editQueue({ queueId: "1", name }),
            prepare.deleteQueue({ queueId: "1" }),
            prepare.assignAgent({ agentId: "7", queueId: "1" }),
            prepare.releaseAgent({ agentId: "7", queueId: "1" }),
            prepare.login({ agentId: "201", extension: "501" }),
            prepare.logoff({ agentId: "201" }),
            prepare.pause({ agentId: "201" }),
            prepare.online({ agentId: "201" }),
            prepare.mission({ agentId: "201" }),
          ];
          for (const call of calls) expect(build(call)).toBe(buildPath(base, secure, call));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("edit_queue: a name cannot inject a parameter", () => {
    fc.assert(
      fc.property(nameArb, (name) => {
        const params = query(buildPath("", SECURE, prepare.editQueue({ queueId: "9", name })));
        expect(params.getAll("secure")).toEqual([SECURE]);
        expect(params.getAll("action")).toEqual(["edit_queue"]);
        expect(params.getAll("queue_id")).toEqual(["9"]);
        expect(params.getAll("queue_name")).toEqual([name.trim()]);
        expect([...params.keys()]).toHaveLength(4);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("any parameters, for every action (property-based)", () => {
  const anyValue = fc.oneof(
    fc.stringMatching(/^[0-9]{1,10}$/),
    fc.string(),
    fc.string({ unit: "binary" }),
    fc.string({ unit: "grapheme", maxLength: 70 }),
    fc.constantFrom("&secure=x", "1&action=del_agent", "%26", "#", "1\n", " 12", "١٢", "a b", "+"),
    fc.anything(),
  );
  const optional = fc.option(anyValue, { nil: undefined });
  /** A parameter of a call: its key in the call, its name on the wire, whether it may be left out or is trimmed. */
  type Field = { key: string; param: string; optional?: true; trim?: true };
  const id = (key: string, param: string): Field => ({ key, param });
  const agentName: Field = { key: "name", param: "agent_name", trim: true };
  const queueName: Field = { key: "name", param: "queue_name", trim: true };
  const cases: Record<string, { build: (p: never) => PreparedCall; fields: Field[] }> = {
    new_agent: {
      build: prepare.newAgent,
      fields: [
        id("agentId", "agent_id"),
        id("password", "agent_pass"),
        agentName,
        id("outQueueId", "agent_out_q"),
      ],
    },
    edit_agent: {
      build: prepare.editAgent,
      fields: [
        id("agentId", "agent_id"),
        { key: "password", param: "agent_pass", optional: true },
        { ...agentName, optional: true },
        { key: "outQueueId", param: "agent_out_q", optional: true },
      ],
    },
    del_agent: { build: prepare.deleteAgent, fields: [id("agentId", "agent_id")] },
    new_queue: { build: prepare.newQueue, fields: [id("queueId", "queue_id"), queueName] },
    edit_queue: { build: prepare.editQueue, fields: [id("queueId", "queue_id"), queueName] },
    del_queue: { build: prepare.deleteQueue, fields: [id("queueId", "queue_id")] },
    assign_agent: {
      build: prepare.assignAgent,
      fields: [id("agentId", "agent_id"), id("queueId", "queue_id")],
    },
    release_agent: {
      build: prepare.releaseAgent,
      fields: [id("agentId", "agent_id"), id("queueId", "queue_id")],
    },
    login: { build: prepare.login, fields: [id("agentId", "agid"), id("extension", "agext")] },
    logoff: { build: prepare.logoff, fields: [id("agentId", "agid")] },
    pause: { build: prepare.pause, fields: [id("agentId", "agid")] },
    online: { build: prepare.online, fields: [id("agentId", "agid")] },
    mission: { build: prepare.mission, fields: [id("agentId", "agid")] },
  };
  const arbitraries = (fields: Field[]) =>
    Object.fromEntries(fields.map((field) => [field.key, field.optional ? optional : anyValue]));
  /** The query parameters the PBX must receive (after `action`, before `secure`), from valid input. */
  const expected = (fields: Field[], params: Record<string, unknown>): [string, string][] =>
    fields
      .filter((field) => params[field.key] !== undefined)
      .map((field) => [
        field.param,
        field.trim ? String(params[field.key]).trim() : String(params[field.key]),
      ]);

  it.each(Object.entries(cases))(
    "%s: refused with PbxInputError, or the URL's decoded query is exactly the parameters (and secure)",
    (action, { build, fields }) => {
      const built = { valid: 0 };
      fc.assert(
        fc.property(fc.record(arbitraries(fields)), fc.string({ minLength: 1 }), (params, secure) => {
          let call: PreparedCall;
          try {
            call = build(params as never);
          } catch (error) {
            expect(error).toBeInstanceOf(PbxInputError);
            return;
          }
          built.valid += 1;
          const url = new URL(buildPath("/crystal", secure, call), "http://pbx");
          const management = url.pathname === `/crystal${MANAGEMENT_PATH}`;
          expect(management || url.pathname === `/crystal${AGENT_COMMAND_PATH}`).toBe(true);
          expect(url.hash).toBe("");
          expect([...url.searchParams]).toEqual([
            ["action", action],
            ...expected(fields, params),
            ...(management ? [["secure", secure]] : []),
          ]);
        }),
        { numRuns: 1500 },
      );
      // Not only refusals: valid parameters were drawn and built too.
      expect(built.valid).toBeGreaterThan(0);
    },
  );
});

describe("refusing malformed input before anything is built", () => {
  const longName = "א".repeat(65);
  it.each([
    ["agentId", () => prepare.deleteAgent({ agentId: "" })],
    ["agentId", () => prepare.deleteAgent({ agentId: "12345678901" })],
    ["agentId", () => prepare.deleteAgent({ agentId: "12a" })],
    ["agentId", () => prepare.deleteAgent({ agentId: " 12" })],
    ["agentId", () => prepare.deleteAgent({ agentId: "١٢" })],
    ["queueId", () => prepare.deleteQueue({ queueId: "-1" })],
    ["outQueueId", () => prepare.newAgent({ agentId: "1", password: "p", name: "n", outQueueId: "x" })],
    ["extension", () => prepare.login({ agentId: "1", extension: "5 01" })],
    ["name", () => prepare.newQueue({ queueId: "1", name: longName })],
    ["name", () => prepare.newQueue({ queueId: "1", name: "" })],
    ["name", () => prepare.newQueue({ queueId: "1", name: "   \t " })],
    ["name", () => prepare.newQueue({ queueId: "1", name: "a\u0000b" })],
    ["name", () => prepare.newQueue({ queueId: "1", name: "a\nb" })],
    ["name", () => prepare.newQueue({ queueId: "1", name: "a\u007fb" })],
    ["name", () => prepare.newQueue({ queueId: "1", name: "a\uD800b" })],
    ["password", () => prepare.newAgent({ agentId: "1", password: "a b", name: "n", outQueueId: "1" })],
    [
      "password",
      () => prepare.newAgent({ agentId: "1", password: "p".repeat(33), name: "n", outQueueId: "1" }),
    ],
    ["password", () => prepare.newAgent({ agentId: "1", password: "", name: "n", outQueueId: "1" })],
    ["password", () => prepare.newAgent({ agentId: "1", password: "a\u0001b", name: "n", outQueueId: "1" })],
    ["password", () => prepare.editAgent({ agentId: "1", password: "" })],
    ["fields", () => prepare.editAgent({ agentId: "1" })],
  ] as const)("%s (%#)", (field, build) => {
    let caught: unknown;
    try {
      build();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PbxInputError);
    expect(caught).toMatchObject({ field, name: "PbxInputError" });
    expect((caught as PbxInputError).reason).toMatch(/\.$/);
  });

  it("accepts the limits: 64-character names, 32-character passwords, 10-digit ids", () => {
    expect(() =>
      prepare.newAgent({
        agentId: "1234567890",
        password: "p".repeat(32),
        name: ` ${"א".repeat(64)} `,
        outQueueId: "0",
      }),
    ).not.toThrow();
  });

  it("never repeats the refused value in the message", () => {
    try {
      prepare.newAgent({ agentId: "1", password: "top secret", name: "n", outQueueId: "1" });
    } catch (error) {
      expect((error as Error).message).not.toContain("top secret");
    }
  });
});

describe("redact", () => {
  it("redacts secure and agent_pass in URLs and query strings", () => {
    expect(
      redact("http://pbx/x.php?action=new_agent&agent_pass=12345678&agent_name=A&secure=4324221&z=1"),
    ).toBe("http://pbx/x.php?action=new_agent&agent_pass=***&agent_name=A&secure=***&z=1");
    expect(redact("secure=42")).toBe("secure=***");
    expect(redact("a=1&SECURE=abc#frag")).toBe("a=1&SECURE=***#frag");
    expect(redact("agent_pass=a%26b&x=1")).toBe("agent_pass=***&x=1");
    expect(redact("nothing here")).toBe("nothing here");
  });

  it("redacts URL-encoded forms (a URL inside a query parameter)", () => {
    const url = "/m.php?action=new_agent&agent_pass=p%26q&secure=s%23t&agent_id=1";
    const once = encodeURIComponent(url);
    expect(redact(once)).not.toMatch(/p%2526q|s%2523t/);
    expect(decodeURIComponent(redact(once))).toBe(
      "/m.php?action=new_agent&agent_pass=***&secure=***&agent_id=1",
    );
    const twice = encodeURIComponent(once);
    expect(decodeURIComponent(decodeURIComponent(redact(twice)))).toBe(
      "/m.php?action=new_agent&agent_pass=***&secure=***&agent_id=1",
    );
  });

  it("leaves no trace of any secure code or password, in plain or encoded URLs", () => {
    const secretArb = fc
      .string({ unit: "grapheme", minLength: 1, maxLength: 32 })
      .filter((s) => /^\S+$/u.test(s));
    fc.assert(
      fc.property(secretArb, secretArb, (secure, password) => {
        const call = prepare.newAgent({ agentId: "1", password, name: "n", outQueueId: "2" });
        const url = `http://pbx${buildPath("", secure, call)}`;
        const plain = new URL(redact(url)).searchParams;
        expect(plain.get("secure")).toBe("***");
        expect(plain.get("agent_pass")).toBe("***");
        expect(plain.get("agent_name")).toBe("n");
        const encoded = new URL(decodeURIComponent(redact(encodeURIComponent(url)))).searchParams;
        expect(encoded.get("secure")).toBe("***");
        expect(encoded.get("agent_pass")).toBe("***");
        expect(encoded.get("agent_id")).toBe("1");
      }),
      { numRuns: 1000 },
    );
  });
});
