// Parsing the PBX's one-line answers into typed outcomes (crystal-api.md, Part 1 and Part 2).
// Pure and total: for any input string these return an outcome or a protocol error, never throw.
import { redact } from "./redact.ts";
import type {
  AgentAction,
  AgentCommandOutcome,
  AssignAgentOutcome,
  DeleteAgentOutcome,
  DeleteQueueOutcome,
  EditAgentOutcome,
  EditQueueOutcome,
  LoginOutcome,
  ManagementAction,
  NewAgentOutcome,
  NewQueueOutcome,
  PbxAction,
  PbxAnswer,
  ReleaseAgentOutcome,
} from "./types.ts";

export type ManagementOutcomes = {
  new_agent: NewAgentOutcome;
  edit_agent: EditAgentOutcome;
  del_agent: DeleteAgentOutcome;
  new_queue: NewQueueOutcome;
  edit_queue: EditQueueOutcome;
  del_queue: DeleteQueueOutcome;
  assign_agent: AssignAgentOutcome;
  release_agent: ReleaseAgentOutcome;
};

export type AgentOutcomes = {
  login: LoginOutcome;
  logoff: AgentCommandOutcome;
  pause: AgentCommandOutcome;
  online: AgentCommandOutcome;
  mission: AgentCommandOutcome;
};

export type PbxOutcomes = ManagementOutcomes & AgentOutcomes;

/** A parsed answer, or the raw text (redacted, at most 500 characters) of one that is not in the grammar. */
export type ParseResult<O> = { outcome: O } | { protocolError: string };

export const RAW_MAX = 500;

/** The outcome kinds that mean "done as asked". */
export const SUCCESS_KINDS: ReadonlySet<string> = new Set([
  "created",
  "updated",
  "deleted",
  "assigned",
  "released",
  "ok",
]);

export const MANAGEMENT_ACTIONS: readonly ManagementAction[] = [
  "new_agent",
  "edit_agent",
  "del_agent",
  "new_queue",
  "edit_queue",
  "del_queue",
  "assign_agent",
  "release_agent",
];

export const AGENT_ACTIONS: readonly AgentAction[] = ["login", "logoff", "pause", "online", "mission"];

const MANAGEMENT_ACTION_SET: ReadonlySet<string> = new Set(MANAGEMENT_ACTIONS);
const AGENT_ACTION_SET: ReadonlySet<string> = new Set(AGENT_ACTIONS);

export function isManagementAction(action: string): action is ManagementAction {
  return MANAGEMENT_ACTION_SET.has(action);
}

export function isAgentAction(action: string): action is AgentAction {
  return AGENT_ACTION_SET.has(action);
}

/**
 * One known answer: its code and a pattern for its message, normalised (lower case, whitespace
 * collapsed, trailing `!`/`.` dropped). `$agent_id`-like parts are `\d+`. `extra` reads fields
 * out of the match.
 */
type Rule = {
  code: number;
  message: RegExp;
  kind: string;
  extra?: (match: RegExpExecArray) => Record<string, string>;
};

const INVALID_PARAMS: Rule = { code: 1, message: /^invalid or missing parameters$/, kind: "invalidParams" };
const NO_SUCH_AGENT: Rule = { code: 5, message: /^no such agent$/, kind: "noSuchAgent" };
const INVALID_QUEUE: Rule = { code: 11, message: /^invalid queue id$/, kind: "invalidQueue" };
const NO_SUCH_QUEUE: Rule = { code: 7, message: /^no such queue with id \d+$/, kind: "noSuchQueue" };

const MANAGEMENT_RULES: Record<ManagementAction, readonly Rule[]> = {
  new_agent: [
    INVALID_PARAMS,
    { code: 4, message: /^agent already exists with id \d+$/, kind: "exists" },
    { code: 9, message: /^inactive agent already exists with id \d+$/, kind: "inactiveExists" },
    { code: 3, message: /^agent not created$/, kind: "notCreated" },
    // The vendor does not document new_agent's success text: any `Success:0:` counts.
    { code: 0, message: /^/, kind: "created" },
  ],
  edit_agent: [
    INVALID_PARAMS,
    NO_SUCH_AGENT,
    { code: 10, message: /^nothing to do$/, kind: "nothingToDo" },
    { code: 10, message: /^agent \d+ not updated$/, kind: "notUpdated" },
    { code: 0, message: /^agent \d+ updated$/, kind: "updated" },
  ],
  del_agent: [
    INVALID_PARAMS,
    NO_SUCH_AGENT,
    { code: 6, message: /^agent not deleted$/, kind: "notDeleted" },
    { code: 2, message: /^agent cannot be deleted while logged in$/, kind: "loggedIn" },
    { code: 0, message: /^agent deleted$/, kind: "deleted" },
  ],
  new_queue: [
    INVALID_PARAMS,
    { code: 5, message: /^queue already exists$/, kind: "exists" },
    { code: 5, message: /^queue not created$/, kind: "notCreated" },
    { code: 0, message: /^queue created$/, kind: "created" },
  ],
  edit_queue: [
    INVALID_PARAMS,
    NO_SUCH_QUEUE,
    { code: 10, message: /^queue \d+ not updated$/, kind: "notUpdated" },
    { code: 0, message: /^queue \d+ updated$/, kind: "updated" },
  ],
  del_queue: [
    INVALID_PARAMS,
    NO_SUCH_QUEUE,
    { code: 8, message: /^queue not deleted$/, kind: "notDeleted" },
    { code: 0, message: /^queue deleted$/, kind: "deleted" },
  ],
  assign_agent: [
    INVALID_PARAMS,
    INVALID_QUEUE,
    NO_SUCH_AGENT,
    { code: 12, message: /^agent \d+ is already assigned to queue \d+$/, kind: "alreadyAssigned" },
    { code: 0, message: /^queue \d+ updated$/, kind: "assigned" },
  ],
  release_agent: [
    INVALID_PARAMS,
    INVALID_QUEUE,
    { code: 13, message: /^agent \d+ is not assigned to queue \d+$/, kind: "notAssigned" },
    { code: 0, message: /^queue \d+ updated$/, kind: "released" },
  ],
};

const AGENT_NOT_FOUND: Rule = { code: 1, message: /^no such agent$/, kind: "noSuchAgent" };
const ALREADY_LOGGED_OFF: Rule = {
  code: 5,
  message: /^agent \d+ is already logged off$/,
  kind: "alreadyLoggedOff",
};

/** `0: OK <action>,<agid>,<agext>`; the extension is read from the answer. */
function okRule(action: AgentAction): Rule {
  return {
    code: 0,
    message: new RegExp(`^ok ${action} ?, ?\\d+ ?, ?(\\d+)$`),
    kind: "ok",
    extra: (match) => ({ extension: match[1] ?? "" }),
  };
}

const AGENT_RULES: Record<AgentAction, readonly Rule[]> = {
  login: [
    AGENT_NOT_FOUND,
    { code: 2, message: /^no such extension$/, kind: "noSuchExtension" },
    { code: 3, message: /^agent \d+ not logged off$/, kind: "notLoggedOff" },
    {
      code: 4,
      message: /^exten \d+ is ?in ?use by (\d+)$/,
      kind: "extensionInUse",
      extra: (match) => ({ byAgentId: match[1] ?? "" }),
    },
    okRule("login"),
  ],
  logoff: [AGENT_NOT_FOUND, ALREADY_LOGGED_OFF, okRule("logoff")],
  pause: [AGENT_NOT_FOUND, ALREADY_LOGGED_OFF, okRule("pause")],
  online: [AGENT_NOT_FOUND, ALREADY_LOGGED_OFF, okRule("online")],
  mission: [AGENT_NOT_FOUND, ALREADY_LOGGED_OFF, okRule("mission")],
};

/** `Success:0:<message>` or `Failed:<code>:<message>`, on one line. */
const MANAGEMENT_GRAMMAR = /^(?:(success):(0)|(failed):([0-9]{1,9})):([^\r\n]*)$/i;
/** `<code>: <message>`, on one line. */
const AGENT_GRAMMAR = /^([0-9]{1,9}):([^\r\n]*)$/;

/** Drops a UTF-8 BOM (also one decoded as Latin-1) and surrounding whitespace, CRLF included. */
function unwrap(text: string): string {
  if (text.startsWith("\uFEFF")) return text.slice(1).trim();
  if (text.startsWith("\u00EF\u00BB\u00BF")) return text.slice(3).trim();
  return text.trim();
}

function normalizeMessage(message: string): string {
  return message
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase()
    .replace(/[.!]+$/, "");
}

/** The raw text as it may be logged: secrets redacted, at most RAW_MAX characters. */
export function rawForLog(text: string): string {
  return redact(text).slice(0, RAW_MAX);
}

/** `success`: the management answer said `Success` (agent answers: code 0). Only code-0 rules match it. */
type Reading = { answer: PbxAnswer; success: boolean };

function outcomeFor(rules: readonly Rule[], { answer, success }: Reading): AnyOutcome {
  const normalized = normalizeMessage(answer.message);
  for (const rule of rules) {
    if (rule.code !== answer.code || (rule.code === 0) !== success) continue;
    const match = rule.message.exec(normalized);
    if (!match) continue;
    return { kind: rule.kind, pbx: answer, ...rule.extra?.(match) };
  }
  return { kind: "unexpected", pbx: answer };
}

function readManagement(text: string): Reading | undefined {
  const match = MANAGEMENT_GRAMMAR.exec(unwrap(text));
  if (!match) return undefined;
  const success = match[1] !== undefined;
  const code = Number(success ? match[2] : match[4]);
  return { answer: { code, message: (match[5] ?? "").trim() }, success };
}

function readAgent(text: string): Reading | undefined {
  const match = AGENT_GRAMMAR.exec(unwrap(text));
  if (!match) return undefined;
  const code = Number(match[1]);
  return { answer: { code, message: (match[2] ?? "").trim() }, success: code === 0 };
}

/** An outcome before it is narrowed to its action's type (the rule tables guarantee the kinds). */
type AnyOutcome = { kind: string; pbx: PbxAnswer };

function parseWith(
  read: (text: string) => Reading | undefined,
  rules: readonly Rule[],
  text: string,
): ParseResult<AnyOutcome> {
  const reading = read(text);
  if (!reading) return { protocolError: rawForLog(text) };
  return { outcome: outcomeFor(rules, reading) };
}

/**
 * Gives a parse its action's outcome type. The rule tables are what guarantees the kinds; the
 * compiler cannot follow the per-action indexed types (they form too large a union to check).
 */
function narrow<O>(result: ParseResult<AnyOutcome>): ParseResult<O> {
  return result as unknown as ParseResult<O>;
}

/** Parses a `management_api.php` answer for `action`. */
export function parseManagementAnswer<A extends ManagementAction>(
  action: A,
  text: string,
): ParseResult<ManagementOutcomes[A]> {
  const rules: readonly Rule[] = Object.hasOwn(MANAGEMENT_RULES, action) ? MANAGEMENT_RULES[action] : [];
  return narrow(parseWith(readManagement, rules, text));
}

/** Parses an `agent_command.php` answer for `action`. */
export function parseAgentAnswer<A extends AgentAction>(
  action: A,
  text: string,
): ParseResult<AgentOutcomes[A]> {
  const rules: readonly Rule[] = Object.hasOwn(AGENT_RULES, action) ? AGENT_RULES[action] : [];
  return narrow(parseWith(readAgent, rules, text));
}

/** Parses an answer to any action, with the grammar of that action's endpoint. */
export function parseAnswer<A extends PbxAction>(action: A, text: string): ParseResult<PbxOutcomes[A]> {
  if (isManagementAction(action)) return narrow(parseWith(readManagement, MANAGEMENT_RULES[action], text));
  if (isAgentAction(action)) return narrow(parseWith(readAgent, AGENT_RULES[action], text));
  return { protocolError: rawForLog(text) };
}
