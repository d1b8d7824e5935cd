// An open event stream lives exactly as long as its session (issue 9, item 4): every way a session ends
// closes its streams at once, not at the next heartbeat (15 s), and nothing is delivered after. And a session
// may hold at most STREAMS_PER_SESSION streams (item 7).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Client,
  SseReader,
  type TestConsole,
  defined,
  ended,
  startTestConsole,
} from "../test-support.ts";
import { STREAMS_PER_SESSION } from "./streams.ts";

let t: TestConsole;
let nextQueue = 4100;
const open: SseReader[] = [];

beforeAll(async () => {
  t = await startTestConsole();
  await t.admin.createQueue("4000");
});

afterAll(async () => {
  for (const reader of open) reader.close();
  await t?.stop();
});

async function stream(client: Client): Promise<SseReader> {
  const reader = await SseReader.open(client);
  open.push(reader);
  expect(reader.status).toBe(200);
  return reader;
}

/** A change every staff stream sees, and whether `reader` received it. */
async function change(): Promise<string> {
  const id = String(++nextQueue);
  await t.admin.createQueue(id);
  return id;
}
const received = (reader: SseReader, queueId: string) =>
  reader.events.some((event) => event.event === "queue" && event.data.includes(`"id":"${queueId}"`));

async function supervisor(name: string): Promise<Client> {
  await t.admin.createSupervisor(name);
  const client = t.client();
  await client.signIn(name, "supervisor-password-1");
  return client;
}

describe("a session's streams end when the session ends", () => {
  it("sign-out: the stream ends at once, and nothing is delivered after", async () => {
    const sue = await supervisor("sue");
    const reader = await stream(sue);
    const before = await change();
    await reader.waitFor((event) => event.data.includes(`"id":"${before}"`));
    const watcher = await stream(t.admin);
    expect((await sue.call("DELETE /session")).status).toBe(204);
    await ended(reader);
    const after = await change();
    await watcher.waitFor((event) => event.data.includes(`"id":"${after}"`));
    expect(received(reader, after)).toBe(false);
  });

  const userChanges: [string, (username: string) => Promise<unknown>][] = [
    [
      "disabling the user",
      (u) => t.admin.call("PATCH /users/:username", { params: { username: u }, body: { disabled: true } }),
    ],
    ["deleting the user", (u) => t.admin.call("DELETE /users/:username", { params: { username: u } })],
    [
      "a new role",
      (u) => t.admin.call("PATCH /users/:username", { params: { username: u }, body: { role: "admin" } }),
    ],
    [
      "a new password",
      (u) =>
        t.admin.call("PATCH /users/:username", {
          params: { username: u },
          body: { password: "another-password-9" },
        }),
    ],
  ];
  it.each(userChanges)("%s ends every stream of every session of that user", async (_, act) => {
    const name = `user${++nextQueue}`;
    const first = await supervisor(name);
    const second = t.client();
    await second.signIn(name, "supervisor-password-1");
    const readers = [await stream(first), await stream(first), await stream(second)];
    const bystander = await stream(t.admin);
    await act(name);
    await Promise.all(readers.map((reader) => ended(reader)));
    const after = await change();
    await bystander.waitFor((event) => event.data.includes(`"id":"${after}"`));
    for (const reader of readers) expect(received(reader, after)).toBe(false);
  });

  const agentChanges: [string, (agentId: string) => Promise<unknown>][] = [
    ["deleting the agent", (id) => t.admin.call("DELETE /agents/:id", { params: { id } })],
    [
      "a new agent password",
      (id) => t.admin.call("PATCH /agents/:id", { params: { id }, body: { password: "new-agent-pw" } }),
    ],
  ];
  it.each(agentChanges)("%s ends the agent's own streams", async (_, act) => {
    const id = String(5000 + ++nextQueue);
    await t.admin.createAgent(id, "4000", "agent-pw");
    const agent = t.client();
    await agent.signIn(id, "agent-pw");
    const reader = await stream(agent);
    await act(id);
    await ended(reader);
    expect((await agent.call("GET /session")).status).toBe(401);
  });

  it("another instance's news (endedElsewhere) ends the streams here too", async () => {
    const name = `remote${++nextQueue}`;
    const client = await supervisor(name);
    const reader = await stream(client);
    t.deps.sessions.endedElsewhere({ usernames: [name] });
    await ended(reader);
  });
});

describe("expiry", () => {
  let short: TestConsole;
  beforeAll(async () => {
    short = await startTestConsole({}, { sessionTimeouts: { idleMs: 60_000, absoluteMs: 1500 } });
  });
  afterAll(async () => {
    await short?.stop();
  });

  it("a stream ends when its session reaches its absolute timeout, though it was in use", async () => {
    const client = short.client();
    await client.signIn("admin", "admin-password-123");
    const reader = await SseReader.open(client);
    open.push(reader);
    expect(reader.status).toBe(200);
    await ended(reader, 4000);
    expect((await client.call("GET /session")).status).toBe(401);
  });
});

describe("streams per session", () => {
  it(`a session may hold ${STREAMS_PER_SESSION} streams; one more is refused with 429 until one closes`, async () => {
    const client = await supervisor("tabs");
    const readers = [];
    for (let i = 0; i < STREAMS_PER_SESSION; i++) readers.push(await stream(client));
    const refused = await client.call("GET /events");
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("RATE_LIMITED");
    expect(refused.body.error.message).toMatch(/already has 8 live event streams/);
    // The streams it has still work, and another session is not affected.
    const queue = await change();
    for (const reader of readers) await reader.waitFor((event) => event.data.includes(`"id":"${queue}"`));
    const other = t.client();
    await other.signIn("tabs", "supervisor-password-1");
    expect((await stream(other)).status).toBe(200);
    // Closing a tab makes room.
    const first = defined(readers[0], "the first reader");
    first.close();
    await first.done;
    let again = 0;
    for (let i = 0; i < 50 && again !== 200; i++) {
      const reader = await SseReader.open(client);
      open.push(reader);
      again = reader.status;
      if (again !== 200) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(again).toBe(200);
  });
});
