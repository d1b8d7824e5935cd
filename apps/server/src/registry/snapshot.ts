// The agents list, serialized once and reused until the next committed change: every viewer of the board
// reads it, and with 2,000 agents building it is the expensive part of GET /api/agents. It is kept as
// UTF-8 bytes (sent as they are, not re-encoded per request) and, for clients that accept gzip (every
// browser), gzipped once per version: ~400 KB of JSON for 2,000 agents goes out as ~30 KB.
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import type { EventBus } from "../events/bus.ts";
import type { Registry } from "./open.ts";
import { listAgents } from "./read.ts";

const gzipAsync = promisify(gzip);

export type AgentListCache = ReturnType<typeof createAgentListCache>;

/** Buffers from Buffer.from and zlib live on a plain ArrayBuffer, which is what a response body takes. */
type Bytes = Uint8Array<ArrayBuffer>;
type Cached = { version: number; bytes: Bytes; gzipped: Promise<Bytes> | null };

export function createAgentListCache(db: Registry, bus: EventBus) {
  let version = 0;
  let cached: Cached | null = null;
  bus.subscribe(({ event }) => {
    if (event.type === "agent" || event.type === "agentDeleted" || event.type === "queueDeleted")
      version += 1;
  });

  async function current(): Promise<Cached> {
    if (cached?.version === version) return cached;
    const at = version;
    const bytes = Buffer.from(JSON.stringify({ agents: await listAgents(db) }), "utf8") as Bytes;
    const fresh: Cached = { version: at, bytes, gzipped: null };
    if (at === version) cached = fresh;
    return fresh;
  }

  return {
    /**
     * `{"agents":[...]}` as UTF-8 JSON, current as of the last committed change; gzipped when asked, one
     * compression per version shared by every reader.
     */
    async body(gzipped: boolean): Promise<Bytes> {
      const entry = await current();
      if (!gzipped) return entry.bytes;
      entry.gzipped ??= gzipAsync(entry.bytes) as Promise<Bytes>;
      return entry.gzipped;
    },
  };
}
