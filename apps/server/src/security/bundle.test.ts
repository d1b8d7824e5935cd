// The built SPA (issue 6, "Attack"; design.md rule 1): the bundle is static, so it can't hold a console's
// secure code or an agent's password, but it must not know the PBX's wire format either (the only code that
// builds PBX URLs is packages/crystal, on the server), and it ships no source maps. Its index.html has no
// inline script or style, which the CSP (script-src/style-src 'self') would block. Builds the SPA first
// when apps/web/dist is missing.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, expect, it } from "vitest";
import { defined } from "../test-support.ts";

const ROOT = resolve(fileURLToPath(new URL("../../../..", import.meta.url)));
const DIST = join(ROOT, "apps/web/dist");

/** Strings that would mean the browser knows how to talk to the PBX, or was given its configuration. */
const FORBIDDEN = [
  "secure=",
  "PBX_SECURE",
  "PBX_URL",
  "agent_pass=",
  "management_api.php",
  "agent_command.php",
  "writedialplane",
  "sourceMappingURL",
];

type BuiltFile = { path: string; text: string };

/** Every file in dist with its text. Another build may be replacing dist meanwhile: vanished files are skipped. */
function readDist(): BuiltFile[] {
  const files: BuiltFile[] = [];
  for (const entry of readdirSync(DIST, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    try {
      files.push({ path: relative(DIST, path), text: readFileSync(path, "latin1") });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  return files;
}

let files: BuiltFile[];

beforeAll(() => {
  if (!existsSync(join(DIST, "index.html"))) {
    execFileSync("pnpm", ["--filter", "@crystal-console/web", "build"], { cwd: ROOT, stdio: "ignore" });
  }
  files = readDist();
  expect(files.map((file) => file.path)).toContain("index.html");
  expect(files.some((file) => file.path.endsWith(".js"))).toBe(true);
}, 180_000);

it("no built file names the PBX's wire format or configuration", () => {
  const found = files.flatMap((file) =>
    FORBIDDEN.filter((needle) => file.text.includes(needle)).map((needle) => `${file.path}: ${needle}`),
  );
  expect(found).toEqual([]);
});

it("no source maps and no dotfiles are shipped", () => {
  const paths = files.map((file) => file.path);
  expect(paths.filter((path) => path.endsWith(".map"))).toEqual([]);
  expect(paths.filter((path) => path.split(/[\\/]/).some((part) => part.startsWith(".")))).toEqual([]);
});

it("index.html loads scripts and styles from files only (no inline code the CSP would block)", () => {
  const index = defined(
    files.find((file) => file.path === "index.html"),
    "index.html",
  ).text;
  const scripts = [...index.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
  expect(scripts.length).toBeGreaterThan(0);
  for (const [, attributes, body] of scripts) {
    expect(attributes).toMatch(/\bsrc="\/assets\/[^"]+\.js"/);
    expect(body?.trim()).toBe("");
  }
  expect(index).not.toMatch(/<style\b/i);
  expect(index).not.toMatch(/\sstyle=/i);
  expect(index).not.toMatch(/\son[a-z]+=/i);
});
