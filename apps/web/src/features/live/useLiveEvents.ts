// One SSE subscription per tab: every committed change arrives as an event and is written into the query
// cache, so every open screen shows it without a refetch. The browser's EventSource reconnects by itself
// and resumes with Last-Event-ID; when the server refuses the stream (e.g. the session ended) we check the
// session, which sends the person to sign in, or try again a little later. A `resync` event (the server
// had more changes for this tab than it sends one by one) is answered by refetching everything shown.
import type { Agent, ConsoleEvent, Queue, SessionUser } from "@crystal-console/api";
import { notifyManager, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { api, routeUrl } from "../../lib/api.ts";
import { RESYNC_EVENT, consoleEventTypes } from "../../lib/contract.ts";
import { alertKeys, applyAlertEvent } from "../alerts/queries.ts";
import {
  agentKeys,
  forgetQueueInAgents,
  removeAgent,
  updateAgents,
  upsertAgents,
} from "../agents/queries.ts";
import { applyImportProgress, importKeys } from "../import/queries.ts";
import { forgetAgentInQueues, queueKeys, removeQueue, upsertQueue } from "../queues/queries.ts";
import { setConnectionState } from "./connection.ts";
import { healthKeys, setPbxHealth } from "./health.ts";

/** An agent's page knows nothing of other agents. */
function visibleAgent(agent: Agent, user: SessionUser): boolean {
  return user.role !== "agent" || agent.id === user.agentId;
}

/** Writes agents into the cache and keeps the queues' member lists in step with the agents' own lists. */
function applyAgents(queryClient: QueryClient, agents: Agent[]): void {
  upsertAgents(queryClient, agents);
  queryClient.setQueryData<Queue[]>(queueKeys.list(), (queues) =>
    queues?.map((queue) => {
      let agentIds = queue.agentIds;
      for (const agent of agents) {
        const listed = agentIds.includes(agent.id);
        const member = agent.queueIds.includes(queue.id);
        if (listed === member) continue;
        agentIds = member ? [...agentIds, agent.id] : agentIds.filter((id) => id !== agent.id);
      }
      return agentIds === queue.agentIds ? queue : { ...queue, agentIds };
    }),
  );
}

/**
 * Applies a batch of events in order, each run of agent events in one write of each list: at 50 changes a
 * second on a board of 10,000 agents, a write per event was most of the page's work.
 */
export function applyEvents(queryClient: QueryClient, events: ConsoleEvent[], user: SessionUser): void {
  let run: Agent[] = [];
  for (const event of events) {
    if (event.type === "agent") {
      if (visibleAgent(event.agent, user)) run.push(event.agent);
      continue;
    }
    if (run.length > 0) applyAgents(queryClient, run);
    run = [];
    applyEvent(queryClient, event, user);
  }
  if (run.length > 0) applyAgents(queryClient, run);
}

export function applyEvent(queryClient: QueryClient, event: ConsoleEvent, user: SessionUser): void {
  switch (event.type) {
    case "agent":
      if (visibleAgent(event.agent, user)) applyAgents(queryClient, [event.agent]);
      return;
    case "agentDeleted":
      removeAgent(queryClient, event.agentId);
      forgetAgentInQueues(queryClient, event.agentId);
      void queryClient.invalidateQueries({ queryKey: agentKeys.retired() });
      return;
    case "queue": {
      const { queue } = event;
      upsertQueue(queryClient, queue);
      const members = new Set(queue.agentIds);
      const agents = queryClient.getQueryData<Agent[]>(agentKeys.list()) ?? [];
      const outOfStep = agents
        .filter((agent) => agent.queueIds.includes(queue.id) !== members.has(agent.id))
        .map((agent) => agent.id);
      if (outOfStep.length > 0) {
        updateAgents(queryClient, outOfStep, (agent) => ({
          ...agent,
          queueIds: members.has(agent.id)
            ? [...agent.queueIds, queue.id]
            : agent.queueIds.filter((id) => id !== queue.id),
        }));
      }
      return;
    }
    case "queueDeleted":
      removeQueue(queryClient, event.queueId);
      forgetQueueInAgents(queryClient, event.queueId);
      return;
    case "health":
      setPbxHealth(queryClient, event.pbx);
      return;
    case "import":
      applyImportProgress(queryClient, event.job);
      if (event.job.status !== "running") {
        void queryClient.invalidateQueries({ queryKey: agentKeys.all });
        void queryClient.invalidateQueries({ queryKey: queueKeys.all });
      }
      return;
    case "alert":
      applyAlertEvent(queryClient, event);
      return;
  }
}

/** Refetches every list the live events keep current (after a gap the events no longer cover). */
export function refetchLive(queryClient: QueryClient): void {
  for (const queryKey of [agentKeys.all, queueKeys.all, healthKeys.all, importKeys.all, alertKeys.all])
    void queryClient.invalidateQueries({ queryKey });
}

export function useLiveEvents(user: SessionUser): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    let source: EventSource | null = null;
    let retryTimer: number | undefined;
    let opened = false;
    let failures = 0;
    let disposed = false;

    // A single event is applied at once; a burst (an import, a reconnect's replay) is applied in batches
    // of at most one render per 100 ms, so 2,000 changes cost a few renders, not 2,000.
    let pending: ConsoleEvent[] = [];
    let flushTimer: number | undefined;
    let lastFlush = 0;
    function flush() {
      flushTimer = undefined;
      lastFlush = performance.now();
      const batch = pending;
      pending = [];
      notifyManager.batch(() => applyEvents(queryClient, batch, user));
    }
    function enqueue(event: ConsoleEvent) {
      pending.push(event);
      if (flushTimer !== undefined) return;
      const wait = lastFlush + 100 - performance.now();
      if (wait <= 0) flush();
      else flushTimer = window.setTimeout(flush, wait);
    }

    // The browser resumes by itself after a dropped connection; a stream we reopen ourselves says where
    // it left off in the query (the server reads Last-Event-ID or ?lastEventId=).
    let lastEventId = "";

    function connect() {
      source = new EventSource(routeUrl("GET /events", { query: { lastEventId } }));
      setConnectionState(opened ? "reconnecting" : "connecting");
      source.onopen = () => {
        setConnectionState("live");
        failures = 0;
        // After a gap, make sure nothing was missed (the server replays, but a refetch is cheap insurance).
        if (opened) refetchLive(queryClient);
        opened = true;
      };
      source.onerror = () => {
        if (!source || source.readyState !== EventSource.CLOSED) {
          setConnectionState("reconnecting");
          return;
        }
        // The server refused the stream: find out whether the session ended, then try again.
        source.close();
        source = null;
        setConnectionState("reconnecting");
        failures += 1;
        api("GET /session")
          .catch(() => undefined)
          .finally(() => {
            if (disposed) return;
            retryTimer = window.setTimeout(connect, Math.min(30_000, 1000 * 2 ** Math.min(failures, 5)));
          });
      };
      for (const type of consoleEventTypes) {
        source.addEventListener(type, (message: MessageEvent<string>) => {
          let event: ConsoleEvent;
          try {
            event = JSON.parse(message.data) as ConsoleEvent;
          } catch {
            return;
          }
          if (message.lastEventId) lastEventId = message.lastEventId;
          enqueue(event);
        });
      }
      source.addEventListener(RESYNC_EVENT, (message: MessageEvent<string>) => {
        if (message.lastEventId) lastEventId = message.lastEventId;
        // What was waiting to be applied is older than what the refetch brings.
        pending = [];
        refetchLive(queryClient);
      });
    }

    connect();
    return () => {
      disposed = true;
      window.clearTimeout(retryTimer);
      window.clearTimeout(flushTimer);
      source?.close();
      setConnectionState("connecting");
    };
  }, [queryClient, user]);
}
