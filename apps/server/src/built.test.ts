// The built server (`pnpm build`, then `pnpm start`): plain node on apps/server/dist, no tsx, no
// TypeScript at run time. The start script disables Node's type stripping, so a .ts file that the built
// server tried to load would fail the start; the stack traces still name the source lines (source maps).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { builtServer } from "./test-support.ts";

const dataDir = mkdtempSync(join(tmpdir(), "crystal-built-"));
let child: ChildProcess | undefined;

afterAll(() => {
  child?.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

function waitForUrl(server: ChildProcess): Promise<string> {
  let output = "";
  return new Promise((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`the built server did not start:\n${output}`)), 30_000);
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Crystal Console is running at (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        ready(match[1]);
      }
    };
    server.stdout?.on("data", collect);
    server.stderr?.on("data", collect);
    server.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`the built server exited with code ${code}:\n${output}`));
    });
  });
}

it("pnpm start runs plain node on dist/main.js, which answers GET /api/health", async () => {
  const { command, args, cwd, env } = builtServer({ DATA_DIR: dataDir });
  expect(args.at(-1)).toBe("dist/main.js");
  expect(args).toContain("--no-strip-types");
  expect(args).toContain("--enable-source-maps");
  child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  const url = await waitForUrl(child);

  const response = await fetch(`${url}/api/health`);
  expect(response.status).toBe(200);
  const health = (await response.json()) as { status: string; pbx: { mode: string } };
  expect(health).toMatchObject({ status: "ok", pbx: { mode: "embedded" } });

  // The process is node itself on the built file: no tsx loader or wrapper, no .ts entry point.
  const argv = readFileSync(`/proc/${child.pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  expect(argv[0]).toBe(process.execPath);
  expect(argv.join(" ")).not.toMatch(/tsx|\.ts\b/);
});

it("with type stripping off, node refuses a .ts file, so the built server cannot have loaded one", () => {
  const dir = mkdtempSync(join(tmpdir(), "crystal-strip-"));
  try {
    writeFileSync(join(dir, "typed.ts"), "export const typed: number = 1;\n");
    writeFileSync(join(dir, "entry.mjs"), 'await import("./typed.ts");\n');
    const flags = builtServer({}).args.slice(0, -1);
    expect(() =>
      execFileSync(process.execPath, [...flags, join(dir, "entry.mjs")], { stdio: "pipe" }),
    ).toThrow(/ERR_UNKNOWN_FILE_EXTENSION/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it("a stack trace from the built server names the TypeScript source line", () => {
  const { args, cwd } = builtServer({});
  const flags = args.slice(0, -1);
  const script = [
    'import { loadConfig } from "./dist/config.js";',
    'try { loadConfig({ PORT: "not-a-port" }); } catch (error) { console.log(error.stack); }',
  ].join("\n");
  const stack = execFileSync(process.execPath, [...flags, "--input-type=module", "-e", script], {
    cwd,
    encoding: "utf8",
  });
  expect(stack).toMatch(/apps\/server\/src\/config\.ts:\d+:\d+/);
  expect(stack).not.toMatch(/dist\/config\.js/);
});
