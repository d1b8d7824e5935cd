// The agents list, serialized once and reused until the next committed change: every viewer of the board
// reads it, and with 2,000 agents building it is the expensive part of GET /api/agents.
import type { EventBus } from "../events/bus.ts";
import type { Registry } from "./open.ts";
import { listAgents } from "./read.ts";

export type AgentListCache = ReturnType<typeof createAgentListCache>;

export function createAgentListCache(db: Registry, bus: EventBus) {
  let version = 0;
  let cached: { version: number; json: string } | null = null;
  bus.subscribe(({ event }) => {
    if (event.type === "agent" || event.type === "agentDeleted" || event.type === "queueDeleted")
      version += 1;
  });
  return {
    /** `{"agents":[...]}` as JSON text, current as of the last committed change. */
    async json(): Promise<string> {
      if (cached?.version === version) return cached.json;
      const at = version;
      const json = JSON.stringify({ agents: await listAgents(db) });
      if (at === version) cached = { version: at, json };
      return json;
    },
  };
}
