// Alerts as they happen: the book (book.ts) follows every committed event of this instance, a timer wakes
// it when a pause passes its limit (time passing, not only a change, makes a pause overdue), and each
// change is recorded in the alerts table and announced as an `alert` event in one commit. The row decides
// who announces: of several instances that see the same change, only the one whose insert, update or delete
// changed the row sends the event (docs/decisions/026-shift-alerts-and-bulk.md).
import type { Alert, ConsoleEvent, Policy } from "@crystal-console/api";
import type { Logger } from "pino";
import type { EventBus } from "../events/bus.ts";
import { deleteAlert, insertAlert, listAlerts, updateAlert } from "../registry/alerts.ts";
import { commit } from "../registry/commit.ts";
import type { Registry } from "../registry/open.ts";
import { readPolicy } from "../registry/policy.ts";
import { listAgents, listQueues } from "../registry/read.ts";
import { type AlertChange, createAlertBook } from "./book.ts";
import { alertKey } from "@crystal-console/api";

/** How often the policy is read again, for a change made on another instance. */
const POLICY_REFRESH_MS = 5000;
/** How soon a failed alert write is tried again when no review comes sooner. */
const RETRY_MS = 1000;

export type AlertMonitor = ReturnType<typeof createAlertMonitor>;

export function createAlertMonitor(deps: { db: Registry; bus: EventBus; log: Logger }) {
  const { db, bus, log } = deps;
  const book = createAlertBook();
  /** Events committed before the first read finished, applied after it. */
  let waiting: ConsoleEvent[] | null = [];
  let policyJson = "";
  let timer: NodeJS.Timeout | null = null;
  let timerAt: number | null = null;
  let refresher: NodeJS.Timeout | null = null;
  let writes: Promise<void> = Promise.resolve();
  let stopped = false;
  /** Alert keys whose last write failed, with the last alert seen under each (for the `ended` event). */
  const unrecorded = new Map<string, Alert>();
  let retrying: NodeJS.Timeout | null = null;

  bus.subscribe(({ event }) => {
    if (event.type === "alert" || event.type === "health" || event.type === "import") return;
    if (waiting) {
      waiting.push(event);
      return;
    }
    const now = Date.now();
    record(book.apply(event, now));
    if (event.type === "agent") aim(book.dueAt(event.agent.id, now));
  });

  function record(changes: AlertChange[]): void {
    if (changes.length === 0 || stopped) return;
    writes = writes.then(() => write(changes, false));
  }

  /**
   * One commit of the changes. When it fails (the registry briefly unavailable), their keys are kept as
   * unrecorded and written again, as the book holds them then, by the next review (retry()).
   */
  async function write(changes: AlertChange[], again: boolean): Promise<void> {
    try {
      const events = await commit(db, {
        lease: null,
        settle: null,
        audit: null,
        facts: (tx) => rows(tx, changes, again),
      });
      if (again) for (const { alert } of changes) unrecorded.delete(alertKey(alert));
      await bus.broadcast(events);
    } catch (error) {
      log.error({ err: error }, "recording alerts failed; trying again at the next review");
      for (const { alert } of changes) unrecorded.set(alertKey(alert), alert);
      if (!stopped && retrying === null) {
        retrying = setTimeout(retry, RETRY_MS);
        retrying.unref();
      }
    }
  }

  /**
   * Writes each unrecorded key as the book holds it now: in force (inserted, or updated if an earlier write
   * got through) or not (deleted). Idempotent across consoles: only a statement that changes the row
   * announces it.
   */
  function retry(): void {
    if (retrying) clearTimeout(retrying);
    retrying = null;
    if (stopped || unrecorded.size === 0) return;
    const changes: AlertChange[] = [];
    for (const [key, last] of unrecorded) {
      const held = book.held(key);
      changes.push(held ? { state: "started", alert: held } : { state: "ended", alert: last });
    }
    writes = writes.then(() => write(changes, true));
  }

  async function rows(tx: Registry, changes: AlertChange[], again: boolean): Promise<ConsoleEvent[]> {
    const events: ConsoleEvent[] = [];
    for (const { state, alert } of changes) {
      if (state === "started" && again) {
        // A retry: the alert may be in the table already with other numbers (an update that failed).
        if (await insertAlert(tx, alert)) events.push({ type: "alert", state: "started", alert });
        else if (await updateAlert(tx, alert)) events.push({ type: "alert", state: "updated", alert });
        continue;
      }
      const changed =
        state === "started"
          ? await insertAlert(tx, alert)
          : state === "updated"
            ? await updateAlert(tx, alert)
            : await deleteAlert(tx, alertKey(alert));
      if (changed) events.push({ type: "alert", state, alert });
    }
    return events;
  }

  /** Wakes the book at `at` (a pause passing its limit), unless it wakes earlier already. */
  function aim(at: number | null): void {
    if (at === null || stopped || (timerAt !== null && timerAt <= at)) return;
    if (timer) clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(wake, Math.max(0, at - Date.now()));
    timer.unref();
  }

  function wake(): void {
    timer = null;
    timerAt = null;
    const now = Date.now();
    record(book.reviewAll(now));
    retry();
    aim(book.nextDueAt(now));
  }

  function usePolicy(policy: Policy): void {
    const json = JSON.stringify(policy);
    if (json === policyJson) return;
    policyJson = json;
    const now = Date.now();
    record(book.setPolicy(policy, now));
    aim(book.nextDueAt(now));
  }

  return {
    async start(): Promise<void> {
      const [agents, queues, policy, inForce] = await Promise.all([
        listAgents(db),
        listQueues(db),
        readPolicy(db),
        listAlerts(db),
      ]);
      book.load({ agents, queues, policy, inForce });
      policyJson = JSON.stringify(policy);
      const arrived = waiting ?? [];
      waiting = null;
      const now = Date.now();
      for (const event of arrived) record(book.apply(event, now));
      record(book.reviewAll(now));
      aim(book.nextDueAt(now));
      refresher = setInterval(() => {
        readPolicy(db).then(usePolicy, (error: unknown) =>
          log.warn({ err: String(error) }, "reading the policy failed"),
        );
      }, POLICY_REFRESH_MS);
      refresher.unref();
    },
    /** The policy an admin just saved on this instance. */
    usePolicy,
    /** Waits for the alerts recorded so far (tests, shutdown). */
    settled: () => writes,
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (refresher) clearInterval(refresher);
      if (retrying) clearTimeout(retrying);
      await writes;
    },
  };
}
