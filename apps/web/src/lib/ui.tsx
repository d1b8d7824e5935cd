// Small building blocks shared by every feature: buttons, fields, the native modal dialog, spinners.
import { useEffect, useId, useRef, type ReactNode } from "react";
import { useT } from "../i18n/i18n.tsx";
import { describeError } from "./api.ts";

type Variant = "primary" | "secondary" | "danger" | "ghost";

const variants: Record<Variant, string> = {
  primary: "bg-cyan-700 text-white hover:bg-cyan-800 disabled:bg-slate-300 disabled:text-slate-600",
  secondary:
    "border border-slate-300 bg-white text-slate-800 hover:bg-slate-50 disabled:bg-slate-100 disabled:text-slate-400",
  danger: "bg-red-700 text-white hover:bg-red-800 disabled:bg-slate-300 disabled:text-slate-600",
  ghost: "text-slate-700 hover:bg-slate-100 disabled:text-slate-400",
};

export function buttonClass(variant: Variant = "secondary", size: "sm" | "md" | "lg" = "md"): string {
  const sizes = { sm: "px-2 py-1 text-xs", md: "px-3 py-1.5 text-sm", lg: "px-5 py-4 text-lg" };
  return `inline-flex items-center justify-center gap-1 rounded-md font-medium transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-cyan-600 disabled:cursor-not-allowed ${sizes[size]} ${variants[variant]}`;
}

export const inputClass =
  "block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm text-slate-900 shadow-sm focus:border-cyan-600 focus:outline-2 focus:outline-cyan-600 aria-[invalid=true]:border-red-600 disabled:bg-slate-100";

/** An input for an id, an extension or another number: a numeric keyboard, no autofill, left to right. */
export const numberInput = { inputMode: "numeric", autoComplete: "off", dir: "ltr" } as const;

export type FieldControlProps = {
  id: string;
  "aria-invalid": boolean;
  "aria-describedby": string | undefined;
};

/** A labelled control with its hint and its error (from the client's check or the server's `fields`). */
export function Field({
  label,
  error,
  hint,
  className = "",
  children,
}: {
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  className?: string;
  children: (props: FieldControlProps) => ReactNode;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={className}>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-800">
        {label}
      </label>
      {children({ id, "aria-invalid": Boolean(error), "aria-describedby": describedBy })}
      {hint && (
        <div id={hintId} className="mt-1 text-xs text-slate-600">
          {hint}
        </div>
      )}
      {error && (
        <p id={errorId} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}

/**
 * A modal on the native <dialog>: showModal() traps focus and makes the rest of the page inert, Escape
 * closes it, and the browser returns focus to the control that opened it.
 */
export function Dialog({
  open,
  onClose,
  title,
  children,
  wide = false,
}: {
  open: boolean;
  onClose: () => void;
  /** Its words from the catalog, names in a <bdi> (see `<T>`). */
  title: ReactNode;
  children: ReactNode;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const t = useT();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      // showModal() focuses the first focusable element (the close button); start at the first field
      // instead, or at the element marked data-autofocus (e.g. Cancel in a confirmation).
      const start =
        dialog.querySelector<HTMLElement>("[data-autofocus]") ??
        dialog.querySelector<HTMLElement>(
          "input:not([type=hidden]):not(:disabled), select:not(:disabled), textarea:not(:disabled)",
        );
      start?.focus();
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={() => {
        if (open) onClose();
      }}
      className={`m-auto w-[calc(100%-2rem)] rounded-xl p-0 text-slate-900 shadow-2xl backdrop:bg-slate-900/50 ${wide ? "max-w-2xl" : "max-w-md"}`}
    >
      {open && (
        <div className="p-5">
          <div className="mb-4 flex items-start justify-between gap-4">
            <h2 id={titleId} className="text-lg font-semibold">
              {title}
            </h2>
            <button
              type="button"
              onClick={onClose}
              className="rounded px-2 text-xl leading-none text-slate-600 hover:bg-slate-100 focus-visible:outline-2"
              aria-label={t("common.close")}
            >
              ×
            </button>
          </div>
          {children}
        </div>
      )}
    </dialog>
  );
}

export function Spinner({ label }: { label?: string }) {
  const t = useT();
  return (
    <div role="status" className="flex items-center gap-2 p-6 text-sm text-slate-600">
      <span
        className="size-4 animate-spin rounded-full border-2 border-slate-300 border-t-cyan-700"
        aria-hidden
      />
      {label ?? t("common.loading")}
    </div>
  );
}

export function ErrorNotice({ error, title }: { error: unknown; title: string }) {
  const message = describeError(error).title;
  return (
    <div role="alert" className="m-4 rounded-lg border border-red-300 bg-red-50 p-4 text-sm text-red-900">
      <p className="font-semibold">{title}</p>
      <p>{message}</p>
    </div>
  );
}

/** The browser tab's title: the page's own, then the product's. */
export function useDocumentTitle(title: string): void {
  const t = useT();
  useEffect(() => {
    document.title = t("app.documentTitle", { page: title });
  }, [t, title]);
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  useDocumentTitle(title);
  return (
    <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
      <h1 className="text-xl font-semibold text-slate-900">{title}</h1>
      {children}
    </div>
  );
}
