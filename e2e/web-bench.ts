// The SPA's figures for `pnpm bench` (wired in as bench/web.bench.ts: `export { run } from "../e2e/web-bench.ts"`):
// the initial JavaScript in KB gzip, the time from navigation to a rendered board of 2,000 agents, the frame
// times while that board scrolls, and the delay from a state change in one browser to its paint in another,
// all in Debian's Chromium against a console with its embedded simulator.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { startConsole } from "@crystal-console/server";
import { chromium, type Browser, type Page } from "@playwright/test";
import { fmt, percentile } from "../bench/stats.ts";

const AGENTS = 2000;
const ADMIN_PASSWORD = "bench-admin-password";
const CSRF = { "X-Requested-With": "crystal-console" };
const web = fileURLToPath(new URL("../apps/web/", import.meta.url));
const dist = join(web, "dist");

/** The newest modification time of the SPA's sources (src, public, index.html, vite.config.ts). */
function newestSourceMs(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestSourceMs(join(path, name))), 0);
}

/**
 * The figures are the current SPA's: build it when there is no build or a source is newer than it. (Not
 * on every run: a build empties dist/, which a console started from this checkout may be serving.)
 */
function ensureBuilt(): void {
  const built = join(dist, "index.html");
  const sources = ["src", "public", "index.html", "vite.config.ts"]
    .map((name) => join(web, name))
    .filter((path) => existsSync(path));
  const stale = !existsSync(built) || Math.max(...sources.map(newestSourceMs)) > statSync(built).mtimeMs;
  if (!stale) return;
  console.log("building the SPA (apps/web/dist is missing or older than its sources)");
  execFileSync("pnpm", ["--filter", "@crystal-console/web", "build"], { cwd: web, stdio: "inherit" });
}

/** The JS that index.html loads before anything else: the entry script and its modulepreloads. */
function initialJsGzipBytes(): number {
  const html = readFileSync(join(dist, "index.html"), "utf8");
  const files = [
    ...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="\/([^"]+\.js)"/g),
  ].flatMap((match) => (match[1] ? [match[1]] : []));
  return files.reduce((sum, file) => sum + gzipSync(readFileSync(join(dist, file))).length, 0);
}

/** Each language's catalog chunk, compiled at build time (loaded when that language is first shown). */
function catalogGzipBytes(): Record<string, number> {
  const catalogs = readdirSync(join(web, "src/i18n/catalogs")).map((file) => file.replace(/\.json$/, ""));
  const sizes: Record<string, number> = {};
  for (const name of catalogs) {
    sizes[name] = readdirSync(join(dist, "assets"))
      .filter((file) => file.startsWith(`${name}-`) && file.endsWith(".js"))
      .reduce((sum, file) => sum + gzipSync(readFileSync(join(dist, "assets", file))).length, 0);
  }
  return sizes;
}

async function signedInPage(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  const response = await page.request.post(`${url}/api/session`, {
    data: { username: "admin", password: ADMIN_PASSWORD },
    headers: CSRF,
  });
  if (!response.ok()) throw new Error(`sign in: ${response.status()}`);
  return page;
}

// Scripts run in the page are plain strings: tsx (which runs `pnpm bench`) would add helpers to functions.

/** Scrolls the agents grid from top to bottom in about two seconds, resolving to each frame's duration. */
const SCROLL_FRAMES = `new Promise((resolve) => {
  const grid = document.querySelector('[role="table"][aria-label="Agents"] .overflow-y-auto');
  const deltas = [];
  let last = performance.now();
  const start = last;
  requestAnimationFrame(function step(now) {
    deltas.push(now - last);
    last = now;
    grid.scrollTop = ((now - start) / 2000) * grid.scrollHeight;
    if (now - start < 2000) requestAnimationFrame(step);
    else resolve(deltas);
  });
})`;

/** Notes on <body> the moment the agent's state cell starts with `state` (same clock as this process). */
const watchPaint = (agentId: string, state: string) => `(() => {
  delete document.body.dataset.shownAt;
  const observer = new MutationObserver(() => {
    const row = [...document.querySelectorAll('[role="row"]')].find((each) => each.textContent.includes(${JSON.stringify(agentId)}));
    if (!row || !row.querySelectorAll('[role="cell"]')[4]?.textContent.startsWith(${JSON.stringify(state)})) return;
    document.body.dataset.shownAt = String(Date.now());
    observer.disconnect();
  });
  observer.observe(document.body, { subtree: true, childList: true, characterData: true });
})()`;

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

export async function run(): Promise<void> {
  ensureBuilt();
  const initial = initialJsGzipBytes();
  const catalogs = catalogGzipBytes();
  const withCatalogs = Object.values(catalogs).reduce((sum, size) => sum + size, initial);
  console.log(`initial JS: ${fmt(initial / 1024, 1)} KB gzip`);
  console.log(
    `initial JS with every catalog: ${fmt(withCatalogs / 1024, 1)} KB gzip (aim: under 150); ${Object.entries(
      catalogs,
    )
      .map(([name, size]) => `${name} ${fmt(size / 1024, 1)}`)
      .join(", ")}`,
  );

  const dataDir = mkdtempSync(join(tmpdir(), "cc-web-bench-"));
  const app = await startConsole({
    PORT: "0",
    DATA_DIR: dataDir,
    ADMIN_PASSWORD,
    LOG_LEVEL: "silent",
    DEMO: "false",
    SCRYPT_LOG_N: "10",
    PBX_PROBE_INTERVAL_MS: "600000",
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
  try {
    // 2,000 agents in 10 queues, through the console (PBX first).
    const setup = await signedInPage(browser, app.url);
    const post = async (path: string, data: unknown, method: "post" | "put" = "post") => {
      const response = await setup.request[method](`${app.url}${path}`, { data, headers: CSRF });
      if (!response.ok()) throw new Error(`${path}: ${response.status()} ${await response.text()}`);
    };
    for (let q = 0; q < 10; q++) await post("/api/queues", { id: String(3000 + q), name: `Queue ${q}` });
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < AGENTS) {
          const i = next++;
          const id = String(10_000 + i);
          await post("/api/agents", {
            id,
            name: `Agent ${i}`,
            password: `pw${i}`,
            outQueueId: String(3000 + (i % 10)),
          });
          await post(`/api/queues/${3000 + (i % 10)}/agents/${id}`, undefined, "put");
          if (i % 4 === 0)
            await post(`/api/agents/${id}/state`, { action: "login", extension: String(100 + i / 4) });
        }
      }),
    );

    // Navigation to a rendered board (first row painted and the count showing all 2,000).
    const renders: number[] = [];
    let boardJsBytes = 0;
    for (let run = 0; run < 6; run++) {
      const page = await signedInPage(browser, app.url);
      const scripts: Promise<number>[] = [];
      if (run === 0) {
        page.on("response", (response) => {
          if (response.request().resourceType() === "script")
            scripts.push(response.body().then((body) => gzipSync(body).length));
        });
      }
      await page.goto(`${app.url}/board`);
      await page.waitForFunction(
        (count) =>
          document.querySelector('[role="row"][aria-rowindex="2"]') !== null &&
          document.body.textContent?.includes(`Agents (${count})`),
        AGENTS,
        { polling: "raf" },
      );
      const renderedAt = await page.evaluate(() => performance.now());
      if (run === 0) boardJsBytes = (await Promise.all(scripts)).reduce((sum, size) => sum + size, 0);
      else renders.push(renderedAt); // the first run warms the server's caches
      if (run === 5) {
        // Frame times while the grid scrolls from top to bottom in about two seconds.
        const frames = await page.evaluate<number[]>(SCROLL_FRAMES);
        const sorted = frames.sort((a, b) => a - b);
        console.log(
          `board scroll (${AGENTS} agents): ${frames.length} frames, p50 ${fmt(percentile(sorted, 50), 1)} ms, p95 ${fmt(percentile(sorted, 95), 1)} ms, max ${fmt(sorted.at(-1) ?? 0, 1)} ms`,
        );
      }
      await page.context().close();
    }
    console.log(`JS loaded to show the board: ${fmt(boardJsBytes / 1024, 1)} KB gzip`);
    console.log(
      `navigation to rendered board (${AGENTS} agents): median ${fmt(median(renders), 0)} ms, max ${fmt(Math.max(...renders), 0)} ms`,
    );

    // A state change clicked in one browser, painted in another.
    const first = await signedInPage(browser, app.url);
    const second = await signedInPage(browser, app.url);
    await first.goto(`${app.url}/board`);
    await second.goto(`${app.url}/board`);
    await second.getByRole("status", { name: "Live updates: Live" }).waitFor();
    const delays: number[] = [];
    const id = "10000"; // logged in: Mission and Online alternate
    for (const page of [first, second]) {
      await page.getByRole("searchbox", { name: "Search" }).fill(id);
      await page.locator('[role="row"][aria-rowindex="2"]').waitFor();
    }
    for (let i = 0; i < 20; i++) {
      const target = i % 2 === 0 ? "Mission" : "Online";
      await second.evaluate(watchPaint(id, target));
      const button = first
        .locator('[role="row"][aria-rowindex="2"]')
        .getByRole("button", { name: target, exact: true });
      await button.hover();
      const started = Date.now();
      await button.click();
      await second.locator("body[data-shown-at]").waitFor({ state: "attached" });
      delays.push(Number(await second.locator("body").getAttribute("data-shown-at")) - started);
    }
    const sortedDelays = delays.sort((a, b) => a - b);
    console.log(
      `state change, click in one browser to paint in another: p50 ${fmt(percentile(sortedDelays, 50), 0)} ms, p95 ${fmt(percentile(sortedDelays, 95), 0)} ms (aim: under 1000)`,
    );
  } finally {
    await browser.close();
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
