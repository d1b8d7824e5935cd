// Toasts: a small store any code can push to (mutation error handlers run outside React), and the region
// that shows them. Errors are announced assertively, confirmations politely. A toast keeps what to say, not
// the words, so it changes language with everything else while it is shown.
import { useSyncExternalStore } from "react";
import { isolate, t as translate, useT, type MessageKey, type MessageValues } from "../i18n/i18n.tsx";
import { describeError } from "./api.ts";
import { PbxAnswer } from "./PbxAnswer.tsx";

export type Toast = {
  id: number;
  kind: "error" | "success";
  /** The words, made when shown (in the language of that moment). */
  title: () => string;
  pbx: { code: number; message: string } | null;
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

function push(kind: Toast["kind"], title: () => string, pbx: Toast["pbx"] = null): void {
  // The same message twice in a row (e.g. a multi-agent assignment refused for each) shows once.
  const words = title();
  const same = toasts.find((toast) => toast.title() === words && toast.pbx?.message === pbx?.message);
  if (same) dismissToast(same.id);
  const toast: Toast = { id: nextId++, kind, title, pbx };
  toasts = [...toasts.slice(-4), toast];
  emit();
  window.setTimeout(() => dismissToast(toast.id), kind === "error" ? 10_000 : 4_000);
}

/** A confirmation, e.g. `showToast("success", "adminQueues.created", { name, id })`; names are isolated. */
export function showToast(kind: Toast["kind"], key: MessageKey, values: MessageValues = {}): void {
  const isolated = Object.fromEntries(
    Object.entries(values).map(([name, value]) => [name, typeof value === "string" ? isolate(value) : value]),
  );
  push(kind, () => translate(key, isolated));
}

/** An error, with what was not done first ("Not assigned: ...") and the PBX's own answer below. */
export function showErrorToast(error: unknown, context?: MessageKey): void {
  push(
    "error",
    () => {
      const { title } = describeError(error);
      return context ? translate("toast.errorIn", { context: translate(context), error: title }) : title;
    },
    describeError(error).pbx,
  );
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function Toasts() {
  const current = useSyncExternalStore(subscribe, () => toasts);
  const t = useT();
  const errors = current.filter((toast) => toast.kind === "error");
  const others = current.filter((toast) => toast.kind !== "error");
  return (
    <div className="pointer-events-none fixed inset-x-2 bottom-2 z-50 flex flex-col items-end gap-2 sm:inset-x-auto sm:end-4 sm:bottom-4">
      <div role="alert" aria-label={t("toast.errors")} className="flex flex-col items-end gap-2">
        {errors.map((toast) => (
          <ToastCard key={toast.id} toast={toast} />
        ))}
      </div>
      <div role="status" aria-label={t("toast.notifications")} className="flex flex-col items-end gap-2">
        {others.map((toast) => (
          <ToastCard key={toast.id} toast={toast} />
        ))}
      </div>
    </div>
  );
}

function ToastCard({ toast }: { toast: Toast }) {
  const t = useT();
  const tone =
    toast.kind === "error"
      ? "border-red-300 bg-red-50 text-red-900"
      : "border-emerald-300 bg-emerald-50 text-emerald-900";
  return (
    <div
      className={`pointer-events-auto flex w-full max-w-sm items-start gap-3 rounded-lg border px-4 py-3 shadow-lg sm:w-96 ${tone}`}
    >
      <div className="min-w-0 flex-1 text-sm">
        <p className="font-semibold">{toast.title()}</p>
        {toast.pbx && (
          <p className="mt-1 break-words">
            <PbxAnswer pbx={toast.pbx} />
          </p>
        )}
      </div>
      <button
        type="button"
        onClick={() => dismissToast(toast.id)}
        className="rounded px-1 text-lg leading-none hover:bg-black/10 focus-visible:outline-2"
        aria-label={t("toast.dismiss")}
      >
        ×
      </button>
    </div>
  );
}
