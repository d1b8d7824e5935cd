// Building blocks of the admin pages (agents, queues, users): the table of rows with their action
// buttons, the dialog opened for one row, and the form inside it. Imported only by those lazy pages.
import type { FormEvent, ReactNode } from "react";
import { useT } from "../i18n/i18n.tsx";
import { FormError } from "./FormError.tsx";
import type { FormErrors } from "./forms.ts";
import { Dialog, buttonClass } from "./ui.tsx";

/** A titled card holding the inline form that creates a new row. */
export function NewItemSection({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="mb-6 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <h2 id={id} className="mb-3 font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

/** The admin table: a screen-reader caption, the column headers plus an unlabelled "Actions" column. */
export function AdminTable({
  caption,
  columns,
  children,
}: {
  caption: string;
  columns: string[];
  children: ReactNode;
}) {
  const t = useT();
  return (
    <table className="w-full text-start text-sm">
      <caption className="sr-only">{caption}</caption>
      <thead className="bg-slate-50 text-xs text-slate-700">
        <tr>
          {columns.map((column) => (
            <th key={column} scope="col" className="px-3 py-2">
              {column}
            </th>
          ))}
          <th scope="col" className="px-3 py-2">
            <span className="sr-only">{t("grid.actions")}</span>
          </th>
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

/** The last cell of a row: its action buttons, right-aligned. */
export function RowActions({ wrap = false, children }: { wrap?: boolean; children: ReactNode }) {
  return (
    <td className="px-3 py-2">
      <div className={wrap ? "flex flex-wrap justify-end gap-2" : "flex justify-end gap-2"}>{children}</div>
    </td>
  );
}

/** A small row button; `label` is its accessible name, which names the row (e.g. "Delete Alice"). */
export function RowButton({
  label,
  onClick,
  danger = false,
  children,
}: {
  label: string;
  onClick: () => void;
  danger?: boolean;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      className={buttonClass(danger ? "danger" : "secondary", "sm")}
      onClick={onClick}
      aria-label={label}
    >
      {children}
    </button>
  );
}

/** The single row shown when the table has none. */
export function EmptyTableRow({ colSpan, children }: { colSpan: number; children: ReactNode }) {
  return (
    <tr>
      <td colSpan={colSpan} className="px-3 py-6 text-center text-slate-600">
        {children}
      </td>
    </tr>
  );
}

/** A dialog about one row: open while `item` is set, its title and content made from that row. */
export function ItemDialog<T>({
  item,
  title,
  onClose,
  children,
}: {
  item: T | null;
  title: (item: T) => ReactNode;
  onClose: () => void;
  children: (item: T) => ReactNode;
}) {
  return (
    <Dialog open={item !== null} onClose={onClose} title={item === null ? "" : title(item)}>
      {item !== null && children(item)}
    </Dialog>
  );
}

/**
 * The form inside a dialog: its fields, the error that belongs to no field, then Cancel and the submit
 * button. A `danger` form is a confirmation: its submit button is red and Cancel takes the focus.
 */
export function DialogForm({
  onSubmit,
  onCancel,
  errors = {},
  submitLabel,
  submitDisabled,
  danger = false,
  children,
}: {
  onSubmit: (form: HTMLFormElement) => void;
  onCancel: () => void;
  errors?: FormErrors;
  submitLabel: ReactNode;
  submitDisabled: boolean;
  danger?: boolean;
  children: ReactNode;
}) {
  const t = useT();
  return (
    <form
      onSubmit={(event: FormEvent<HTMLFormElement>) => {
        event.preventDefault();
        onSubmit(event.currentTarget);
      }}
      noValidate
      className="space-y-4"
    >
      {children}
      <FormError errors={errors} />
      <div className="flex justify-end gap-2">
        <button
          type="button"
          className={buttonClass("secondary")}
          onClick={onCancel}
          data-autofocus={danger || undefined}
        >
          {t("common.cancel")}
        </button>
        <button
          type="submit"
          className={buttonClass(danger ? "danger" : "primary")}
          disabled={submitDisabled}
        >
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
