// The state file: loaded at start, rewritten atomically after every change, survives a restart.

import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { startPbxSim } from "./server.ts";
import { agentCommand, CALL_CENTRE, manage } from "./test-helpers.ts";
import type { PbxSim, SimState } from "./types.ts";

describe("stateFile", () => {
  let directory: string;
  let file: string;
  const running: PbxSim[] = [];

  async function start(options: Parameters<typeof startPbxSim>[0]): Promise<PbxSim> {
    const sim = await startPbxSim(options);
    running.push(sim);
    return sim;
  }

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), "pbx-sim-"));
    file = join(directory, "demo", "pbx.json");
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((sim) => sim.close()));
    rmSync(directory, { recursive: true, force: true });
  });

  function fileState(): SimState {
    return JSON.parse(readFileSync(file, "utf8")) as SimState;
  }

  it("the file holds passwords: readable by its owner only (0600), in a directory it creates 0700", async () => {
    await start({ stateFile: file, state: CALL_CENTRE });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(directory, "demo")).mode & 0o777).toBe(0o700);
  });

  it("a state file left world-readable by an older version is 0600 after the next write", async () => {
    await start({ stateFile: file, state: CALL_CENTRE }).then((sim) => sim.close());
    chmodSync(file, 0o644);
    const sim = await start({ stateFile: file });
    await manage(sim, { action: "del_queue", queue_id: "2001" });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("writes the initial state, every change, and survives a close and restart", async () => {
    const first = await start({ stateFile: file, state: CALL_CENTRE });
    expect(fileState()).toEqual(CALL_CENTRE);
    expect((await manage(first, { action: "new_queue", queue_id: "2002", queue_name: "Returns" })).body).toBe(
      "Success:0:queue created",
    );
    expect(fileState().queues.map((q) => q.id)).toEqual(["2000", "2001", "2002"]);
    expect((await agentCommand(first, { action: "login", agid: "1001", agext: "502" })).body).toBe(
      "0: OK login,1001,502",
    );
    first.phone({ agentId: "1004", action: "mission" });
    const before = first.state();
    expect(fileState()).toEqual(before);
    await first.close();
    expect(readdirSync(join(directory, "demo"))).toEqual(["pbx.json"]);

    const second = await start({ stateFile: file, state: { agents: [], queues: [], logins: [] } });
    expect(second.state()).toEqual(before);
    expect((await agentCommand(second, { action: "logoff", agid: "1001" })).body).toBe(
      "0: OK logoff,1001,502",
    );
    second.reset();
    expect(fileState()).toEqual({ agents: [], queues: [], logins: [] });
  });

  it("does not rewrite the file for calls that changed nothing", async () => {
    const sim = await start({ stateFile: file, state: CALL_CENTRE });
    writeFileSync(file, JSON.stringify(CALL_CENTRE)); // compact: a rewrite would pretty-print it
    expect((await manage(sim, { action: "new_queue", queue_id: "2000", queue_name: "X" })).body).toBe(
      "Failed:5:queue already exists",
    );
    expect(readFileSync(file, "utf8")).toBe(JSON.stringify(CALL_CENTRE));
  });

  it("refuses to start from a broken state file, naming it", async () => {
    writeFileSync(join(directory, "broken.json"), "{ nope");
    await expect(startPbxSim({ stateFile: join(directory, "broken.json") })).rejects.toThrow(/broken\.json/);
    writeFileSync(
      join(directory, "bad.json"),
      JSON.stringify({ agents: [], queues: [{ id: "x" }], logins: [] }),
    );
    await expect(startPbxSim({ stateFile: join(directory, "bad.json") })).rejects.toThrow(
      /bad\.json: queues\[0\]/,
    );
    expect(existsSync(file)).toBe(false);
  });
});
