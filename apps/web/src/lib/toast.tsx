// Toasts: a small store any code can push to (mutation error handlers run outside React), and the region
// that shows them. Errors are announced assertively, confirmations politely.
import { useSyncExternalStore } from "react";
import { describeError } from "./api.ts";

export type Toast = {
  id: number;
  kind: "error" | "success";
  title: string;
  detail: string | null;
};

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function emit() {
  for (const listener of listeners) listener();
}

export function dismissToast(id: number): void {
  toasts = toasts.filter((toast) => toast.id !== id);
  emit();
}

export function showToast(kind: Toast["kind"], title: string, detail: string | null = null): void {
  // The same message twice in a row (e.g. a multi-agent assignment refused for each) shows once.
  const same = toasts.find((toast) => toast.title === title && toast.detail === detail);
  if (same) dismissToast(same.id);
  const toast: Toast = { id: nextId++, kind, title, detail };
  toasts = [...toasts.slice(-4), toast];
  emit();
  window.setTimeout(() => dismissToast(toast.id), kind === "error" ? 10_000 : 4_000);
}

export function showErrorToast(error: unknown, context?: string): void {
  const { title, pbx } = describeError(error);
  showToast("error", context ? `${context}: ${title}` : title, pbx ? `PBX answered: ${pbx}` : null);
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function Toasts() {
  const current = useSyncExternalStore(subscribe, () => toasts);
  const errors = current.filter((toast) => toast.kind === "error");
  const others = current.filter((toast) => toast.kind !== "error");
  return (
    <div className="pointer-events-none fixed inset-x-2 bottom-2 z-50 flex flex-col items-end gap-2 sm:inset-x-auto sm:right-4 sm:bottom-4">
      <div role="alert" aria-label="Errors" className="flex flex-col items-end gap-2">
        {errors.map((toast) => (
          <ToastCard key={toast.id} toast={toast} />
        ))}
      </div>
      <div role="status" aria-label="Notifications" className="flex flex-col items-end gap-2">
        {others.map((toast) => (
          <ToastCard key={toast.id} toast={toast} />
        ))}
      </div>
    </div>
  );
}

function ToastCard({ toast }: { toast: Toast }) {
  const tone =
    toast.kind === "error"
      ? "border-red-300 bg-red-50 text-red-900"
      : "border-emerald-300 bg-emerald-50 text-emerald-900";
  return (
    <div
      className={`pointer-events-auto flex w-full max-w-sm items-start gap-3 rounded-lg border px-4 py-3 shadow-lg sm:w-96 ${tone}`}
    >
      <div className="min-w-0 flex-1 text-sm">
        <p className="font-semibold">{toast.title}</p>
        {toast.detail && <p className="mt-1 break-words">{toast.detail}</p>}
      </div>
      <button
        type="button"
        onClick={() => dismissToast(toast.id)}
        className="rounded px-1 text-lg leading-none hover:bg-black/10 focus-visible:outline-2"
        aria-label="Dismiss"
      >
        ×
      </button>
    </div>
  );
}
