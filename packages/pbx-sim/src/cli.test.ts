// The CLI, spawned the way `pnpm sim` runs it, answering the vendor's example URLs.

import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { afterEach, describe, expect, it } from "vitest";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");
const CLI = join("packages", "pbx-sim", "src", "cli.ts");

function runCli(args: string[]): ChildProcess {
  return spawn(TSX, [CLI, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
}

/** Resolves with the base URL once the CLI printed its "listening on" line. */
function baseUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`CLI exited with ${code}: ${output}`)));
  });
}

async function text(url: string): Promise<string> {
  return (await fetch(url)).text();
}

describe("cli", () => {
  let child: ChildProcess | undefined;

  afterEach(async () => {
    if (!child || child.exitCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    await exited;
  });

  it("serves the vendor's example URLs and stops cleanly on SIGTERM", async () => {
    child = runCli([
      "--",
      "--port",
      "0",
      "--secure",
      "4324221",
      "--host",
      "127.0.0.1",
      "--extensions",
      "100-699",
    ]);
    const url = await baseUrl(child);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url).not.toMatch(/:0$/);
    const management = `${url}/cc3/writedialplane/agents_commands/management_api.php`;
    const agent = `${url}/cc3/writedialplane/agents_commands/agent_command.php`;
    expect(
      await text(
        `${management}?action=new_agent&agent_id=4496&agent_pass=12345678&agent_name=DemoAgent&secure=4324221&agent_out_q=2000`,
      ),
    ).toBe("Success:0:agent created");
    expect(await text(`${management}?action=del_agent&agent_id=123&secure=4324221`)).toBe(
      "Failed:5:no such agent",
    );
    expect(await text(`${management}?action=del_agent&agent_id=123&secure=42`)).toBe(
      "Failed:1:invalid or missing parameters",
    );
    expect(await text(`${agent}?action=login&agid=4496&agext=501`)).toBe("0: OK login,4496,501");
    expect(await text(`${agent}?action=pause&agid=4496`)).toBe("0: OK pause,4496,501");
    expect(await text(`${agent}?action=mission&agid=4496`)).toBe("0: OK mission,4496,501");
    expect(await text(`${agent}?action=online&agid=4496`)).toBe("0: OK online,4496,501");
    expect(await text(`${agent}?action=login&agid=201&agext=501`)).toBe("1: No such agent!");
    expect(await text(`${agent}?action=logoff&agid=4496`)).toBe("0: OK logoff,4496,501");
    expect(await text(`${agent}?action=logoff&agid=4496`)).toBe("5: Agent 4496 is already logged off!");

    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
  });

  it("--control-token: the control API answers only with that token; --no-control: not at all", async () => {
    child = runCli(["--", "--port", "0", "--control-token", "cli-token-123"]);
    const url = await baseUrl(child);
    expect((await fetch(`${url}/__sim/state`)).status).toBe(401);
    const withToken = await fetch(`${url}/__sim/state`, {
      headers: { authorization: "Bearer cli-token-123" },
    });
    expect(withToken.status).toBe(200);
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    await exited;

    child = runCli(["--", "--port", "0", "--no-control"]);
    const closed = await baseUrl(child);
    expect((await fetch(`${closed}/__sim/state`)).status).toBe(404);
    expect(
      await text(`${closed}/cc3/writedialplane/agents_commands/agent_command.php?action=logoff&agid=1`),
    ).toBe("1: No such agent!");
  });

  it("exits with code 2 and a clear message on bad options", async () => {
    for (const args of [
      ["--port", "http"],
      ["--extensions", "100-x"],
      ["--colour", "blue"],
      ["--control-token", ""],
      ["--control-token", "t", "--no-control"],
    ]) {
      const bad = runCli(args);
      let errors = "";
      bad.stderr?.setEncoding("utf8").on("data", (chunk: string) => (errors += chunk));
      const [code] = (await once(bad, "exit")) as [number | null];
      expect(code).toBe(2);
      expect(errors).toMatch(/Invalid|Unknown option|not both/);
    }
  });
});
