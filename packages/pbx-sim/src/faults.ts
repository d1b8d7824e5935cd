// Injected faults. A fault with `count` hits the next `count` matching calls and is then gone; one with
// `rate` hits that fraction of matching calls until cleared. Faults are looked at in the order they were
// injected; the first that hits wins.
//
// - storageFailure is looked at only when a call reaches its storage check (the earlier checks of its
//   table passed), so calls answered before that, and actions with no storage-failure line
//   (assign_agent, release_agent, agent_command.php), never consume it.
// - http500, garbage, hang and reset are looked at when the request arrives, before the call is run:
//   the call is NOT applied, the state stays as it was.

import type { Fault, FaultKind } from "./types.ts";
import { parseFault } from "./validate.ts";

type TransportFaultKind = Exclude<FaultKind, "storageFailure">;

type ArmedFault = { fault: Fault; remaining: number };

export type FaultBook = {
  inject(fault: unknown): void;
  clear(): void;
  list(): Fault[];
  /** The transport fault that hits this call, if any (consumed). */
  takeTransportFault(action: string): TransportFaultKind | undefined;
  /** Whether storage fails for this call (consumes a storageFailure fault when it does). */
  storageFails(action: string): boolean;
};

export function createFaultBook(random: () => number = Math.random): FaultBook {
  let armed: ArmedFault[] = [];

  function matches(entry: ArmedFault, action: string): boolean {
    return entry.fault.actions === undefined || entry.fault.actions.includes(action);
  }

  /** Rolls a rate fault, or spends one of a counted fault's hits. */
  function fires(entry: ArmedFault): boolean {
    if (entry.fault.rate !== undefined) return random() < entry.fault.rate;
    entry.remaining -= 1;
    if (entry.remaining <= 0) armed = armed.filter((other) => other !== entry);
    return true;
  }

  function take(action: string, wanted: (kind: FaultKind) => boolean): FaultKind | undefined {
    for (const entry of [...armed]) {
      if (!wanted(entry.fault.kind) || !matches(entry, action)) continue;
      if (fires(entry)) return entry.fault.kind;
    }
    return undefined;
  }

  return {
    inject(input) {
      const fault = parseFault(input);
      armed.push({ fault, remaining: fault.count ?? 1 });
    },
    clear() {
      armed = [];
    },
    list() {
      return armed.map(({ fault, remaining }) =>
        fault.rate === undefined ? { ...fault, count: remaining } : { ...fault },
      );
    },
    takeTransportFault(action) {
      return take(action, (kind) => kind !== "storageFailure") as TransportFaultKind | undefined;
    },
    storageFails(action) {
      return take(action, (kind) => kind === "storageFailure") !== undefined;
    },
  };
}
