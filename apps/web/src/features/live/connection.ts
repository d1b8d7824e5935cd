// The live connection's state, readable by any component (the indicator) without prop drilling.
import { useSyncExternalStore } from "react";

export type ConnectionState = "connecting" | "live" | "reconnecting";

let state: ConnectionState = "connecting";
const listeners = new Set<() => void>();

export function setConnectionState(next: ConnectionState): void {
  if (next === state) return;
  state = next;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(subscribe, () => state);
}
