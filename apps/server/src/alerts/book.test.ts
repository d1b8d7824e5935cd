// The alert book's online counts are kept change by change: for any sequence of agent and queue events,
// the shortages it announces are those a recount from scratch finds, and a pause is overdue exactly when
// its reason's limit has passed.
import type { Agent, AgentStatus, Alert, ConsoleEvent } from "@crystal-console/api";
import { alertKey } from "@crystal-console/api";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createAlertBook } from "./book.ts";

const AGENTS = ["1", "2", "3", "4", "5"];
const QUEUES = ["10", "11", "12"];
const STATUSES: AgentStatus[] = ["online", "paused", "mission", "logged_off"];
const START = Date.parse("2026-12-01T08:00:00Z");

const agent = (id: string, status: AgentStatus, queueIds: string[], sinceMs: number): Agent => ({
  id,
  name: `Agent ${id}`,
  outQueueId: "10",
  queueIds,
  status,
  extension: status === "logged_off" ? null : "100",
  statusSince: new Date(sinceMs).toISOString(),
  statusBy: "test",
  pauseReason: status === "paused" ? "Break" : null,
  confirmed: true,
});

const eventArbitrary = fc.oneof(
  fc.record({
    kind: fc.constant("agent" as const),
    id: fc.constantFrom(...AGENTS),
    status: fc.constantFrom(...STATUSES),
    queueIds: fc.subarray(QUEUES),
  }),
  fc.record({
    kind: fc.constant("queue" as const),
    id: fc.constantFrom(...QUEUES),
    agentIds: fc.subarray(AGENTS),
  }),
);

describe("the alert book", () => {
  it("announces the shortages and overdue pauses a recount finds, for any sequence of events", () => {
    fc.assert(
      fc.property(fc.array(eventArbitrary, { maxLength: 60 }), (steps) => {
        const minimum = { "10": 2, "11": 1, "12": 3 };
        const book = createAlertBook();
        const members = new Map(QUEUES.map((id) => [id, new Set<string>()]));
        const states = new Map(AGENTS.map((id) => [id, agent(id, "logged_off", [], START)]));
        book.load({
          agents: [...states.values()],
          queues: QUEUES.map((id) => ({ id, name: id, agentIds: [] })),
          policy: { pauseLimitSeconds: { Break: 60 }, queueMinimumOnline: minimum },
          inForce: [],
        });
        const held = new Map<string, Alert>();
        const take = (changes: ReturnType<typeof book.apply>) => {
          for (const { state, alert } of changes) {
            if (state === "ended") held.delete(alertKey(alert));
            else held.set(alertKey(alert), alert);
          }
        };
        take(book.reviewAll(START));
        steps.forEach((step, index) => {
          const now = START + index * 30_000;
          let event: ConsoleEvent;
          if (step.kind === "agent") {
            for (const [queueId, set] of members) {
              if (step.queueIds.includes(queueId)) set.add(step.id);
              else set.delete(step.id);
            }
            const before = states.get(step.id);
            const since = before?.status === step.status ? Date.parse(before.statusSince) : now;
            const next = agent(step.id, step.status, step.queueIds, since);
            states.set(step.id, next);
            event = { type: "agent", agent: next };
          } else {
            members.set(step.id, new Set(step.agentIds));
            for (const [id, each] of states) {
              const queueIds = QUEUES.filter((queueId) => members.get(queueId)?.has(id));
              states.set(id, { ...each, queueIds });
            }
            event = { type: "queue", queue: { id: step.id, name: step.id, agentIds: step.agentIds } };
          }
          take(book.apply(event, now));
          take(book.reviewAll(now));

          for (const queueId of QUEUES) {
            const online = [...(members.get(queueId) ?? [])].filter(
              (id) => states.get(id)?.status === "online",
            );
            const alert = held.get(`queue_understaffed:${queueId}`);
            const wanted = minimum[queueId as keyof typeof minimum];
            if (online.length < wanted)
              expect(alert).toMatchObject({ online: online.length, minimum: wanted });
            else expect(alert).toBeUndefined();
          }
          for (const [id, each] of states) {
            const overdue = each.status === "paused" && now >= Date.parse(each.statusSince) + 60_000;
            expect(held.has(`pause_overdue:${id}`)).toBe(overdue);
          }
        });
      }),
      { numRuns: 300 },
    );
  });
});
