// Shared by the *.test.ts files: raw HTTP calls to a running simulator, and a small call centre to seed.

import { AGENT_COMMAND_PATH, MANAGEMENT_PATH } from "./server.ts";
import type { PbxSim, SimState } from "./types.ts";

export type RawAnswer = { status: number; contentType: string | null; body: string };

async function get(url: string, signal?: AbortSignal): Promise<RawAnswer> {
  const response = await fetch(url, signal ? { signal } : {});
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    body: await response.text(),
  };
}

export function managementUrl(sim: PbxSim, params: Record<string, string>): string {
  return `${sim.url}${MANAGEMENT_PATH}?${new URLSearchParams(params).toString()}`;
}

export function agentCommandUrl(sim: PbxSim, params: Record<string, string>): string {
  return `${sim.url}${AGENT_COMMAND_PATH}?${new URLSearchParams(params).toString()}`;
}

/** A management_api.php call; `secure` is added unless the params already say something about it. */
export function manage(
  sim: PbxSim,
  params: Record<string, string>,
  signal?: AbortSignal,
): Promise<RawAnswer> {
  return get(managementUrl(sim, { ...params, secure: params.secure ?? sim.secure }), signal);
}

/** A management_api.php call sent exactly as given (no secure added). */
export function manageRaw(sim: PbxSim, params: Record<string, string>): Promise<RawAnswer> {
  return get(managementUrl(sim, params));
}

export function agentCommand(
  sim: PbxSim,
  params: Record<string, string>,
  signal?: AbortSignal,
): Promise<RawAnswer> {
  return get(agentCommandUrl(sim, params), signal);
}

/** A control API call, with the simulator's token when it has one (or the headers given instead). */
export async function control(
  sim: PbxSim,
  method: string,
  route: string,
  body?: unknown,
  headers: Record<string, string> = sim.controlToken ? { authorization: `Bearer ${sim.controlToken}` } : {},
): Promise<{ status: number; json: unknown }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    init.headers = { ...headers, "content-type": "application/json" };
  }
  const response = await fetch(`${sim.url}/__sim/${route}`, init);
  const text = await response.text();
  return { status: response.status, json: text === "" ? undefined : (JSON.parse(text) as unknown) };
}

/**
 * 1001 Dana and 1002 Eli are active and logged off; 1003 was deleted; 1004 Noa is logged in at 501.
 * Queue 2000 Sales has 1001 and 1004; queue 2001 Support is empty.
 */
export const CALL_CENTRE: SimState = {
  agents: [
    { id: "1001", name: "Dana", password: "secret1", outQueueId: "2000", active: true },
    { id: "1002", name: "Eli", password: "secret2", outQueueId: "2001", active: true },
    { id: "1003", name: "Gone", password: "secret3", outQueueId: "2000", active: false },
    { id: "1004", name: "Noa", password: "secret4", outQueueId: "2000", active: true },
  ],
  queues: [
    { id: "2000", name: "Sales", agentIds: ["1001", "1004"] },
    { id: "2001", name: "Support", agentIds: [] },
  ],
  logins: [{ agentId: "1004", extension: "501", state: "online" }],
};
