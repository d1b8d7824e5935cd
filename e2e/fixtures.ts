// Fixtures for the browser specs (in the manner of epic-stack's playwright-utils): an admin API client for
// setting things up, people to sign in as (a fresh supervisor or agent per test, so no test needs a reset),
// the simulator's own view of the PBX, and a guard that fails a test on any browser console error.
import type { Agent, Queue, SessionUser } from "@crystal-console/api";
import type { SimState } from "@crystal-console/pbx-sim";
import {
  test as base,
  expect,
  request as playwrightRequest,
  type APIRequestContext,
  type Locator,
  type Page,
} from "@playwright/test";

export const CSRF = { "X-Requested-With": "crystal-console" };

/** The value, which the spec expects to be there: a missing one fails the spec here, with what it was. */
export function defined<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`Expected ${what}, got ${String(value)}.`);
  return value;
}

export function consoleUrl(): string {
  const url = process.env.CONSOLE_URL;
  if (!url) throw new Error("CONSOLE_URL is not set: run the specs through e2e/playwright.config.ts");
  return url;
}

/** Where a spec's simulator answers, and the token its control API asks for (null: open). */
export type SimTarget = { url: string; controlToken: string | null };

function globalSim(): SimTarget {
  const url = process.env.SIM_URL;
  if (!url) throw new Error("SIM_URL is not set: run the specs through e2e/playwright.config.ts");
  return { url, controlToken: process.env.SIM_CONTROL_TOKEN ?? null };
}

export function adminPassword(): string {
  return process.env.ADMIN_PASSWORD ?? "";
}

// Ids unique within the run: the data directory is fresh for every run, and each worker has its own range.
let counter = 0;
export function uniqueNumber(): string {
  const worker = Number(process.env.TEST_WORKER_INDEX ?? "0");
  counter += 1;
  return String(700_000_000 + worker * 100_000 + counter);
}

/**
 * An extension no other test holds: each worker process of the run (TEST_WORKER_INDEX is never reused,
 * unlike the parallel slot, whose new process would start its count again while the extensions it gave
 * out before are still logged in) has its own 40 of 100 to 499; the demo call centre holds 501 and up.
 * A run starts a handful of worker processes, and tests log their agents off when they are done.
 */
let extensions = 0;
export function uniqueExtension(): string {
  const block = Number(process.env.TEST_WORKER_INDEX ?? "0") % 10;
  extensions += 1;
  return String(100 + block * 40 + (extensions % 40));
}

export type Person = { username: string; password: string; role: SessionUser["role"]; agentId?: string };

export type Sim = {
  state(): Promise<SimState>;
  agent(
    agentId: string,
  ): Promise<{ active: boolean; queueIds: string[]; login: SimState["logins"][number] | null }>;
  injectFault(fault: { kind: string; count?: number; actions?: string[] }): Promise<void>;
  clearFaults(): Promise<void>;
  /** Delays every PBX answer by at least `fixedMs` (reset to 0 at the end of the test). */
  setLatency(fixedMs: number): Promise<void>;
  /** A change made on the phone, behind the console's back (the PBX knows it, the console does not). */
  phone(change: { agentId: string; action: string; extension?: string }): Promise<void>;
};

export type AdminApi = {
  context: APIRequestContext;
  createQueue(name?: string): Promise<Queue>;
  createAgent(options?: {
    name?: string;
    password?: string;
    outQueueId?: string;
  }): Promise<Agent & { password: string }>;
  createSupervisor(): Promise<Person>;
  agent(agentId: string): Promise<Agent>;
  setState(agentId: string, body: Record<string, string>): Promise<Agent>;
  assign(queueId: string, agentId: string): Promise<void>;
};

type Fixtures = {
  adminApi: AdminApi;
  sim: Sim;
  /** Signs the page in (through the API, sharing the page's cookies) as a fresh person of that role. */
  signIn: (role: SessionUser["role"]) => Promise<Person>;
  /** Browser console errors seen so far; the test fails if any remain at its end. */
  consoleErrors: string[];
  /** The PBX simulator the `sim` fixture reads and resets: the global setup's, unless a spec has its own. */
  simTarget: SimTarget;
};

async function ok(response: Awaited<ReturnType<APIRequestContext["get"]>>, what: string) {
  if (!response.ok()) throw new Error(`${what}: ${response.status()} ${await response.text()}`);
  return response;
}

/** Errors the browser logs for HTTP answers the app expects and handles (401, 403, 409, 502...). */
const handledHttpError = /^Failed to load resource: the server responded with a status of (4\d\d|5\d\d)/;

export function watchConsole(page: Page, errors: string[]): void {
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    if (handledHttpError.test(message.text())) return;
    errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a function needs from this pattern
  baseURL: async ({}, use) => {
    await use(consoleUrl());
  },

  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a function needs from this pattern
  simTarget: async ({}, use) => {
    await use(globalSim());
  },

  // Automatic: every test gets the console guard, even one that never names it.
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      watchConsole(page, errors);
      await use(errors);
      expect(errors, "no errors in the browser console").toEqual([]);
    },
    { auto: true },
  ],

  adminApi: async ({ baseURL }, use) => {
    const context = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: CSRF });
    await ok(
      await context.post("/api/session", { data: { username: "admin", password: adminPassword() } }),
      "admin sign-in",
    );
    const api: AdminApi = {
      context,
      async createQueue(name) {
        const id = uniqueNumber();
        const response = await ok(
          await context.post("/api/queues", { data: { id, name: name ?? `Queue ${id}` } }),
          "create queue",
        );
        return ((await response.json()) as { queue: Queue }).queue;
      },
      async createAgent(options = {}) {
        const id = uniqueNumber();
        const password = options.password ?? `pw${id}`;
        const response = await ok(
          await context.post("/api/agents", {
            data: {
              id,
              name: options.name ?? `Agent ${id}`,
              password,
              outQueueId: options.outQueueId ?? "2000",
            },
          }),
          "create agent",
        );
        return { ...((await response.json()) as { agent: Agent }).agent, password };
      },
      async createSupervisor() {
        const username = `sup-${uniqueNumber()}`;
        const password = "supervisor-password-1";
        await ok(
          await context.post("/api/users", { data: { username, role: "supervisor", password } }),
          "create supervisor",
        );
        return { username, password, role: "supervisor" };
      },
      async agent(agentId) {
        const response = await ok(await context.get("/api/agents"), "list agents");
        const agent = ((await response.json()) as { agents: Agent[] }).agents.find(
          (each) => each.id === agentId,
        );
        if (!agent) throw new Error(`No agent ${agentId}`);
        return agent;
      },
      async setState(agentId, body) {
        const response = await ok(
          await context.post(`/api/agents/${agentId}/state`, { data: body }),
          "set state",
        );
        return ((await response.json()) as { agent: Agent }).agent;
      },
      async assign(queueId, agentId) {
        await ok(await context.put(`/api/queues/${queueId}/agents/${agentId}`), "assign");
      },
    };
    await use(api);
    await context.dispose();
  },

  sim: async ({ simTarget }, use) => {
    // The embedded simulator's control API answers only with the token the console started it with.
    const context = await playwrightRequest.newContext({
      baseURL: simTarget.url,
      extraHTTPHeaders: simTarget.controlToken ? { Authorization: `Bearer ${simTarget.controlToken}` } : {},
    });
    const state = async () =>
      (await (await ok(await context.get("/__sim/state"), "sim state")).json()) as SimState;
    await use({
      state,
      async agent(agentId) {
        const current = await state();
        const agent = current.agents.find((each) => each.id === agentId);
        return {
          active: agent?.active ?? false,
          queueIds: current.queues
            .filter((queue) => queue.agentIds.includes(agentId))
            .map((queue) => queue.id),
          login: current.logins.find((login) => login.agentId === agentId) ?? null,
        };
      },
      async injectFault(fault) {
        await ok(await context.post("/__sim/faults", { data: fault }), "inject fault");
      },
      async clearFaults() {
        await ok(await context.delete("/__sim/faults"), "clear faults");
      },
      async setLatency(fixedMs) {
        await ok(await context.post("/__sim/latency", { data: { fixedMs, jitterMs: 0 } }), "set latency");
      },
      async phone(change) {
        await ok(await context.post("/__sim/phone", { data: change }), "phone-side change");
      },
    });
    await context.delete("/__sim/faults");
    await context.post("/__sim/latency", { data: { fixedMs: 0, jitterMs: 0 } });
    await context.dispose();
  },

  signIn: async ({ page, adminApi }, use) => {
    await use(async (role) => {
      let person: Person;
      if (role === "admin") person = { username: "admin", password: adminPassword(), role };
      else if (role === "supervisor") person = await adminApi.createSupervisor();
      else {
        const agent = await adminApi.createAgent();
        person = { username: agent.id, password: agent.password, role, agentId: agent.id };
      }
      await ok(
        await page.request.post("/api/session", {
          data: { username: person.username, password: person.password },
          headers: CSRF,
        }),
        `sign in as ${role}`,
      );
      return person;
    });
  },
});

export { expect };

/** Signs in through the sign-in form. */
export async function signInWithForm(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel("Username or agent id").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** The board's row for one agent (searching narrows the virtualized grid to it). */
export async function boardRow(page: Page, agent: { id: string; name: string }) {
  await page.getByRole("searchbox", { name: "Search" }).fill(agent.id);
  const row = page.getByRole("row").filter({ has: page.getByRole("cell", { name: agent.id, exact: true }) });
  await expect(row).toHaveCount(1);
  return row;
}

/** The cell of a board row that shows the agent's state (pill, time in state, pause reason). */
export function stateCell(row: Locator): Locator {
  return row.getByRole("cell").filter({ hasText: /^(Online|Paused|Mission|Logged off)/ });
}

/** Drags with real pointer moves, as dnd-kit's pointer sensor needs them. */
export async function dragTo(page: Page, from: Locator, to: Locator) {
  await from.scrollIntoViewIfNeeded();
  const start = await from.boundingBox();
  if (!start) throw new Error("drag source is not visible");
  await page.mouse.move(start.x + start.width / 2, start.y + start.height / 2);
  await page.mouse.down();
  await page.mouse.move(start.x + start.width / 2 + 12, start.y + start.height / 2 + 4, { steps: 4 });
  await to.scrollIntoViewIfNeeded();
  const end = await to.boundingBox();
  if (!end) throw new Error("drop target is not visible");
  await page.mouse.move(end.x + end.width / 2, end.y + Math.min(end.height / 2, 20), { steps: 12 });
  // Other tests add and remove queues meanwhile, which can move the target: aim again before the drop.
  const now = await to.boundingBox();
  if (!now) throw new Error("drop target vanished");
  await page.mouse.move(now.x + now.width / 2, now.y + Math.min(now.height / 2, 20));
  await page.mouse.up();
}
