// The agents list as GET /api/agents sends it, kept current change by change: every viewer of the board reads
// it, and rebuilding it from the registry takes 67 ms at 10,000 agents, too long to do at every change.
//
// It is read from the registry once (on first use); from then on each committed event updates only what it
// names: an `agent` event replaces that agent's JSON, `agentDeleted` drops it, and `queue` and `queueDeleted`
// fix the queue ids of the agents whose membership they change. The agents are kept in id order in chunks of
// about CHUNK agents, each holding its JSON bytes and, for gzip, its own deflated bytes (compressed alone and
// ended with a sync flush, so that the pieces join into one valid deflate stream). A change re-encodes one
// chunk; a request after it joins the pieces (a memory copy) and, for gzip, adds the header and the CRC.
// Nothing is built until a request asks for it, and at most once per version.
// With several console instances on PostgreSQL the events are every instance's, in one global order (the bus
// reads them from the event log), and a request first has the bus catch up with the log: the list it gets
// holds every change committed anywhere before it asked (one indexed read of the log's tail).
import { constants, crc32, deflateRawSync } from "node:zlib";
import type { Agent, AgentsResponse, ConsoleEvent } from "@crystal-console/api";
import type { EventBus } from "../events/bus.ts";
import { type JsonBytes, asJsonBytes } from "../http/json-bytes.ts";
import type { Registry } from "./open.ts";
import { compareIds, listAgents } from "./read.ts";

export type AgentListCache = ReturnType<typeof createAgentListCache>;

/** Buffers from Buffer.from and zlib live on a plain ArrayBuffer, which is what a response body takes. */
type Bytes = Uint8Array<ArrayBuffer>;

const CHUNK = 256;

/** A piece of the body, and its deflated form once gzip was asked for (compressed alone, ending on a byte boundary). */
type Piece = { bytes: Bytes; deflated?: Bytes };
const piece = (text: string): Piece => ({ bytes: Buffer.from(text, "utf8") });
const deflated = (part: Piece): Bytes =>
  (part.deflated ??= deflateRawSync(part.bytes, { finishFlush: constants.Z_SYNC_FLUSH }) as Bytes);
const OPEN = piece('{"agents":[');
const COMMA = piece(",");
const CLOSE = piece("]}");
/** gzip's header (deflate, no name, no time, unknown OS) and deflate's last block (empty, final). */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]) as Bytes;
const LAST_BLOCK = Buffer.from([0x03, 0x00]) as Bytes;

type Chunk = { ids: string[]; piece: Piece | null };

export function createAgentListCache(db: Registry, bus: EventBus) {
  const agents = new Map<string, { agent: Agent; json: string }>();
  /** False until first read; events before then are in the registry that read sees. */
  let loaded = false;
  const members = new Map<string, Set<string>>();
  const chunks: Chunk[] = [{ ids: [], piece: null }];
  let loading: Promise<void> | null = null;
  /** Events committed while the first read runs, applied in order after it. */
  let arrived: ConsoleEvent[] | null = null;
  let version = 0;
  let plain: { version: number; bytes: Bytes } | null = null;
  let gzipped: { version: number; bytes: Bytes } | null = null;

  bus.subscribe(({ event }) => {
    if (arrived) arrived.push(event);
    else if (loaded) apply(event);
  });

  async function load(): Promise<void> {
    arrived = [];
    try {
      const list = await listAgents(db);
      for (const agent of list) put(agent);
      for (const event of arrived) apply(event);
      loaded = true;
    } finally {
      arrived = null;
      loading = null;
    }
  }

  function apply(event: ConsoleEvent) {
    switch (event.type) {
      case "agent":
        put(event.agent);
        return;
      case "agentDeleted":
        remove(event.agentId);
        return;
      case "queue": {
        if (sameMembers(event.queue.id, event.queue.agentIds)) return;
        const listed = new Set(event.queue.agentIds);
        for (const id of [...(members.get(event.queue.id) ?? [])])
          if (!listed.has(id)) setMembership(id, event.queue.id, false);
        for (const id of listed) setMembership(id, event.queue.id, true);
        return;
      }
      case "queueDeleted":
        for (const id of [...(members.get(event.queueId) ?? [])]) setMembership(id, event.queueId, false);
        return;
      default:
        return;
    }
  }

  /** Whether the agents this cache knows are in the queue exactly as listed (their own events came first). */
  function sameMembers(queueId: string, listed: readonly string[]): boolean {
    const current = members.get(queueId);
    let known = 0;
    for (const id of listed) {
      if (!agents.has(id)) continue;
      known += 1;
      if (!current?.has(id)) return false;
    }
    return known === (current?.size ?? 0);
  }

  function setMembership(agentId: string, queueId: string, member: boolean) {
    const known = agents.get(agentId);
    if (!known || known.agent.queueIds.includes(queueId) === member) return;
    const queueIds = member
      ? [...known.agent.queueIds, queueId].sort(compareIds)
      : known.agent.queueIds.filter((id) => id !== queueId);
    put({ ...known.agent, queueIds });
  }

  function put(agent: Agent) {
    const before = agents.get(agent.id);
    for (const queueId of before?.agent.queueIds ?? []) members.get(queueId)?.delete(agent.id);
    for (const queueId of agent.queueIds) {
      let set = members.get(queueId);
      if (!set) members.set(queueId, (set = new Set()));
      set.add(agent.id);
    }
    agents.set(agent.id, { agent, json: JSON.stringify(agent) });
    const { at, chunk } = chunkOf(agent.id);
    if (!before) {
      chunk.ids.splice(insertionPoint(chunk.ids, agent.id), 0, agent.id);
      if (chunk.ids.length > 2 * CHUNK) chunks.splice(at, 1, ...split(chunk));
    }
    changed(chunk);
  }

  function remove(id: string) {
    const before = agents.get(id);
    if (!before) return;
    agents.delete(id);
    for (const queueId of before.agent.queueIds) members.get(queueId)?.delete(id);
    const { at, chunk } = chunkOf(id);
    chunk.ids.splice(chunk.ids.indexOf(id), 1);
    if (chunk.ids.length === 0 && chunks.length > 1) chunks.splice(at, 1);
    changed(chunk);
  }

  function changed(chunk: Chunk) {
    chunk.piece = null;
    version += 1;
  }

  /** The chunk an id belongs in, and its index: the first whose last id is not below it (else the last chunk). */
  function chunkOf(id: string): { at: number; chunk: Chunk } {
    let low = 0;
    let high = chunks.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      const last = chunks[middle]?.ids.at(-1);
      if (last !== undefined && compareIds(last, id) < 0) low = middle + 1;
      else high = middle;
    }
    const chunk = chunks[low];
    // There is always one chunk at least (the last is never removed).
    if (!chunk) throw new Error("The agents list has no chunk.");
    return { at: low, chunk };
  }

  const split = (chunk: Chunk): Chunk[] => [
    { ids: chunk.ids.slice(0, CHUNK), piece: null },
    { ids: chunk.ids.slice(CHUNK), piece: null },
  ];

  /** The body's pieces in order: the opening, each chunk's agents (commas between), the closing. */
  function pieces(): Piece[] {
    const out = [OPEN];
    for (const chunk of chunks) {
      if (chunk.ids.length === 0) continue;
      if (out.length > 1) out.push(COMMA);
      chunk.piece ??= piece(chunk.ids.flatMap((id) => agents.get(id)?.json ?? []).join(","));
      out.push(chunk.piece);
    }
    out.push(CLOSE);
    return out;
  }

  /** One gzip member made of the pieces' deflated bytes, with the CRC and length of the whole. */
  function gzipOf(parts: Piece[]): Bytes {
    let crc = 0;
    let length = 0;
    for (const part of parts) {
      crc = crc32(part.bytes, crc);
      length += part.bytes.length;
    }
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(crc >>> 0, 0);
    trailer.writeUInt32LE(length >>> 0, 4);
    return Buffer.concat([GZIP_HEADER, ...parts.map(deflated), LAST_BLOCK, trailer]);
  }

  return {
    /**
     * `{"agents":[...]}` as UTF-8 JSON (gzip when asked), current as of the last committed change; the same
     * bytes as JSON.stringify({ agents: await listAgents(db) }).
     */
    async body(gzip: boolean): Promise<JsonBytes<AgentsResponse>> {
      // With other instances committing too: every change committed before this request is in the list.
      await bus.catchUp();
      if (!loaded) await (loading ??= load());
      if (gzip) {
        if (gzipped?.version !== version) gzipped = { version, bytes: gzipOf(pieces()) };
        return asJsonBytes(gzipped.bytes);
      }
      if (plain?.version !== version)
        plain = { version, bytes: Buffer.concat(pieces().map((part) => part.bytes)) };
      return asJsonBytes(plain.bytes);
    },
  };
}

/** Where `id` goes in the sorted `ids`. */
function insertionPoint(ids: string[], id: string): number {
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    const at = ids[middle];
    if (at !== undefined && compareIds(at, id) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}
