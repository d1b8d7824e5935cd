// Server-side sessions (design.md rule 7): random 256-bit tokens in an HttpOnly cookie, only their sha256
// in the registry, idle and absolute timeouts, rotated at sign-in, ended at sign-out or when a user is disabled.
//
// Every request looks its session up, so sessions read from the registry are kept in memory (by token hash).
// The cache is only ever a copy of the registry row: every way a session ends goes through this module
// (end, endAllFor, endAllForAgent; sessions.test.ts checks that nothing else deletes or updates the table),
// and each of them drops the matching entries at once, so sign-out, disabling, deleting, a role change or a
// password reset takes effect on the very next request. Expiry is computed on every lookup from the same two
// times as before (created_at and last_seen_at), so the idle and absolute timeouts are exactly as strict.
//
// Every way a session ends is also announced, by token hash, username or agent id, to whoever listens with
// onEnded (the open event streams, which close at once: events/streams.ts). Sessions ended by another console
// instance are announced with endedElsewhere(keys): it drops the cached copies and tells the same listeners,
// which learn from `where` whether to pass the news on (see docs/decisions/010-event-fanout-fanout.md).
//
// `last_seen_at` is written at most once every TOUCH_EVERY_MS per session, so the idle timeout counts from a
// time that may be up to 30 s old: a session can end up to 30 s before a full idle period of real
// inactivity, never later. With other console processes on the same registry, the others tell this one of the
// sessions they end (the registry's delete notifies every instance at its commit, registry/listen.ts; index.ts
// passes the news to endedElsewhere), which drops the copies and closes their streams here at once. So that a
// sign-out on another instance is refused here as soon as that instance answered it, every lookup first waits
// for the `barrier` (the listener's sync(): every notification of a commit made before the lookup began has
// been handled), then trusts the copy; when the barrier fails (the listening connection is down), it reads the
// row. Should news be lost while the connection was down, forgetAll() drops every cached copy
// (docs/decisions/029-fleetbench-session-barrier.md).
import { createHash, randomBytes } from "node:crypto";
import type { SessionUser } from "@crystal-console/api";
import type { Registry } from "../registry/open.ts";
import {
  countSessionsSeenSince,
  deleteSession,
  deleteSessionsOfAgent,
  deleteSessionsOfUser,
  findSession,
  insertSession,
  touchSession,
} from "../registry/sessions.ts";

const TOUCH_EVERY_MS = 30_000;
const passed = () => true;
const failed = () => false;
/** Sessions kept in memory; beyond this the oldest-remembered one is dropped (it is read again if used). */
const CACHE_LIMIT = 10_000;

export type Sessions = ReturnType<typeof createSessions>;

/** Sessions that ended: each key names one session (its token's hash) or all of a user's or an agent's. */
export type EndedSessions = { tokenHashes?: string[]; usernames?: string[]; agentIds?: string[] };
/** "here" when this process ended them; "elsewhere" when endedElsewhere() was told of them. */
export type EndedListener = (ended: EndedSessions, where: "here" | "elsewhere") => void;

/** The key a session is stored and announced under: the sha256 of its token, never the token itself. */
export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** The registry or the transaction of the change that ends the sessions. */
type Executor = Registry;

type Entry = {
  user: Readonly<SessionUser>;
  agentId: string | null;
  createdAt: number;
  /** As written to the registry (it is written at most every TOUCH_EVERY_MS). */
  lastSeenAt: number;
};

export function createSessions(
  db: Registry,
  limits: { idleMs: number; absoluteMs: number },
  now = Date.now,
  /**
   * Other console instances share the registry: `barrier` resolves once every session end committed
   * elsewhere before the call has reached endedElsewhere(), so a session another instance ended is refused
   * here the moment that instance answered. A lookup trusts its copy only after the barrier; when the
   * barrier fails it reads the row.
   */
  options: { barrier?: () => Promise<void> } = {},
) {
  const hashOf = hashToken;
  const cache = new Map<string, Entry>();
  const listeners = new Set<EndedListener>();
  // Bumped whenever entries are dropped: a registry read that began before a drop may have seen the row the
  // drop was about, so its result is used for that one request but not remembered.
  let generation = 0;

  function remember(idHash: string, entry: Entry) {
    const oldest = cache.keys().next();
    if (cache.size >= CACHE_LIMIT && !oldest.done) cache.delete(oldest.value);
    cache.set(idHash, entry);
  }

  /** Drops the cached copies of the ended sessions and tells every listener. */
  function announce(ended: EndedSessions, where: "here" | "elsewhere") {
    generation += 1;
    const hashes = new Set(ended.tokenHashes);
    const usernames = new Set(ended.usernames);
    const agentIds = new Set(ended.agentIds);
    for (const [idHash, entry] of cache) {
      if (
        hashes.has(idHash) ||
        usernames.has(entry.user.username) ||
        (entry.agentId !== null && agentIds.has(entry.agentId))
      )
        cache.delete(idHash);
    }
    for (const listener of listeners) listener(ended, where);
  }

  async function create(user: SessionUser): Promise<string> {
    const token = randomBytes(32).toString("base64url");
    const at = now();
    await insertSession(db, {
      id_hash: hashOf(token),
      username: user.username,
      role: user.role,
      agent_id: user.agentId ?? null,
      created_at: at,
      last_seen_at: at,
    });
    return token;
  }

  /** The session's user, or null when unknown or expired (an expired session is deleted). */
  async function lookup(token: string): Promise<SessionUser | null> {
    const idHash = hashOf(token);
    const trusted = options.barrier ? await options.barrier().then(passed, failed) : true;
    let entry = trusted ? cache.get(idHash) : undefined;
    if (!entry) {
      const seen = generation;
      const row = await findSession(db, idHash);
      if (!row) {
        // A copy not trusted because the barrier failed may still be here: the row says it ended.
        cache.delete(idHash);
        return null;
      }
      entry = {
        user: Object.freeze({
          username: row.username,
          role: row.role,
          ...(row.agent_id !== null ? { agentId: row.agent_id } : {}),
        }),
        agentId: row.agent_id,
        createdAt: row.created_at,
        lastSeenAt: row.last_seen_at,
      };
      if (seen === generation) remember(idHash, entry);
    }
    const at = now();
    const expired = at - entry.lastSeenAt > limits.idleMs || at - entry.createdAt > limits.absoluteMs;
    if (expired) {
      announce({ tokenHashes: [idHash] }, "here");
      await deleteSession(db, idHash);
      return null;
    }
    if (at - entry.lastSeenAt > TOUCH_EVERY_MS) {
      entry.lastSeenAt = at;
      await touchSession(db, idHash, at);
    }
    return entry.user;
  }

  /** Ends one session (sign-out, or the old session at sign-in). */
  async function end(token: string): Promise<void> {
    const idHash = hashOf(token);
    announce({ tokenHashes: [idHash] }, "here");
    await deleteSession(db, idHash);
  }

  /**
   * Ends every session of a console user (disabled, deleted, new role or password). Pass the transaction
   * that makes the change, so both commit together, and call forgetUser() after that commit (on PostgreSQL a
   * lookup running before the commit still reads the row and could remember it). The end is announced before the commit: should the
   * change roll back, its streams were closed for nothing, and their browsers reconnect.
   */
  async function endAllFor(username: string, executor: Executor = db): Promise<void> {
    announce({ usernames: [username] }, "here");
    await deleteSessionsOfUser(executor, username);
  }

  /** Ends every session of an agent (deleted, or a new agent password); as endAllFor. */
  async function endAllForAgent(agentId: string, executor: Executor = db): Promise<void> {
    announce({ agentIds: [agentId] }, "here");
    await deleteSessionsOfAgent(executor, agentId);
  }

  /** Drops cached sessions of a user (after the commit that deleted its rows). */
  function forgetUser(username: string): void {
    generation += 1;
    for (const [idHash, entry] of cache) if (entry.user.username === username) cache.delete(idHash);
  }

  /** Drops cached sessions of an agent (after the commit that deleted its rows). */
  function forgetAgent(agentId: string): void {
    generation += 1;
    for (const [idHash, entry] of cache) if (entry.agentId === agentId) cache.delete(idHash);
  }

  async function countActive(): Promise<number> {
    return countSessionsSeenSince(db, now() - limits.idleMs);
  }

  /**
   * When the session expires if it is not used again (its idle or its absolute timeout, whichever is first),
   * or null when it is not in memory (any lookup puts it there).
   */
  function expiresAt(token: string): number | null {
    const entry = cache.get(hashOf(token));
    return entry ? Math.min(entry.lastSeenAt + limits.idleMs, entry.createdAt + limits.absoluteMs) : null;
  }

  return {
    create,
    lookup,
    end,
    endAllFor,
    endAllForAgent,
    forgetUser,
    forgetAgent,
    countActive,
    expiresAt,
    /** Calls `listener` whenever sessions end; returns the function that stops it. */
    onEnded(listener: EndedListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Drops every cached session (news of ends may have been missed): each is read again when next used. */
    forgetAll(): void {
      generation += 1;
      cache.clear();
    },
    /** Sessions another console instance ended: forgotten here too, and announced as "elsewhere". */
    endedElsewhere(ended: EndedSessions): void {
      announce(ended, "elsewhere");
    },
    /** Sessions held in memory (for tests). */
    get cached() {
      return cache.size;
    },
  };
}
