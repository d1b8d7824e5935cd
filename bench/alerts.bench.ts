// What alert evaluation adds to a state change (issue 12): the work the alert monitor's bus subscriber
// does for each committed agent event (apps/server/src/alerts/monitor.ts: book.apply, then book.dueAt for
// its timer), at 2,000 agents. The call centre: 20 queues of 200 agents (each agent in two), plus one queue
// of all 2,000 (the worst case: its online count is looked at on every change of online-ness), a limit
// for every pause reason and a minimum for every queue set so that shortages start and end during the run.
// Aim: under 0.1 ms per state change (p99 and mean). The rare change that starts or ends an alert also
// writes one row and one event (a commit), off this path; it is not counted here.
import { availableParallelism, loadavg } from "node:os";
import type { Agent, AgentStatus, ConsoleEvent, Policy, Queue } from "@crystal-console/api";
import { createAlertBook } from "../apps/server/src/alerts/book.ts";
import { fmt, percentile } from "./stats.ts";

const AGENTS = 2000;
const QUEUES = 20;
const CHANGES = 200_000;
const WARMUP = 20_000;
const REASONS = ["Break", "Lunch", "Training", "Meeting", "Other"];
const CYCLE: AgentStatus[] = ["online", "paused", "online", "mission", "online", "paused", "logged_off"];

export function run(): Promise<void> {
  const agentIds = Array.from({ length: AGENTS }, (_, i) => String(10_000 + i));
  const queues: Queue[] = Array.from({ length: QUEUES }, (_, q) => ({
    id: String(3000 + q),
    name: `Queue ${q}`,
    agentIds: agentIds.filter((_, i) => i % QUEUES === q || (i + 7) % QUEUES === q),
  }));
  queues.push({ id: "3999", name: "Everyone", agentIds });
  const start = Date.now();
  const agentAt = (i: number, step: number, now: number): Agent => {
    const status = CYCLE[(i + step) % CYCLE.length] ?? "online";
    const id = agentIds[i] ?? String(i);
    return {
      id,
      name: `Agent ${id}`,
      outQueueId: "3000",
      queueIds: queues.filter((queue) => queue.agentIds.includes(id)).map((queue) => queue.id),
      status,
      extension: status === "logged_off" ? null : String(100 + i),
      statusSince: new Date(now - ((i * 37) % 3_600) * 1000).toISOString(),
      statusBy: "bench",
      pauseReason: status === "paused" ? (REASONS[i % REASONS.length] ?? "Break") : null,
      confirmed: true,
    };
  };
  const policy: Policy = {
    pauseLimitSeconds: Object.fromEntries(REASONS.map((reason, r) => [reason, 600 + r * 300])),
    // About 3 in 7 of each queue's agents are online at a time: minimums a little under that start and end
    // shortages now and then.
    queueMinimumOnline: Object.fromEntries(
      queues.map((queue) => [queue.id, Math.round(queue.agentIds.length * 0.36)]),
    ),
  };
  const book = createAlertBook();
  book.load({ agents: agentIds.map((_, i) => agentAt(i, 0, start)), queues, policy, inForce: [] });
  book.reviewAll(start);

  // The events, built before the clock starts: the bench times the evaluation, not building them.
  const events: ConsoleEvent[] = Array.from({ length: WARMUP + CHANGES }, (_, n) => ({
    type: "agent",
    agent: agentAt(n % AGENTS, 1 + Math.floor(n / AGENTS), start + n),
  }));
  const times: number[] = [];
  let alertChanges = 0;
  let total = 0;
  for (const [n, event] of events.entries()) {
    const now = start + n;
    const t0 = performance.now();
    alertChanges += book.apply(event, now).length;
    if (event.type === "agent") book.dueAt(event.agent.id, now);
    const elapsed = performance.now() - t0;
    if (n >= WARMUP) {
      times.push(elapsed);
      total += elapsed;
    }
  }
  times.sort((a, b) => a - b);
  const [load1] = loadavg();
  console.log(
    `alert evaluation, ${AGENTS} agents, ${QUEUES + 1} queues, ${CHANGES} state changes: ` +
      `mean ${fmt((total / CHANGES) * 1000)} µs, p50 ${fmt(percentile(times, 50) * 1000)} µs, ` +
      `p99 ${fmt(percentile(times, 99) * 1000)} µs, max ${fmt((times.at(-1) ?? 0) * 1000)} µs ` +
      `(aim: under 100 µs); alert starts, updates and ends: ${alertChanges}` +
      ` | load ${fmt(load1 ?? 0)} on ${availableParallelism()} cores`,
  );
  // The timer's full review (time passing: pauses crossing their limits), for comparison.
  const t0 = performance.now();
  book.reviewAll(start + 3_600_000);
  console.log(`full review of every agent and queue (the timer's): ${fmt(performance.now() - t0)} ms`);
  return Promise.resolve();
}
