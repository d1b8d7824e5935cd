// The admin's queues: create, rename and delete.
import { createQueueRequestSchema, updateQueueRequestSchema, type Queue } from "@crystal-console/api";
import { useState, type FormEvent } from "react";
import {
  AdminTable,
  DialogForm,
  EmptyTableRow,
  ItemDialog,
  NewItemSection,
  RowActions,
  RowButton,
} from "../../lib/admin.tsx";
import { FormError } from "../../lib/FormError.tsx";
import { formString, serverErrors, zodErrors, type FormErrors } from "../../lib/forms.ts";
import { showToast } from "../../lib/toast.tsx";
import { T, useT } from "../../i18n/i18n.tsx";
import {
  ErrorNotice,
  Field,
  PageHeader,
  Spinner,
  buttonClass,
  inputClass,
  numberInput,
} from "../../lib/ui.tsx";
import { useCreateQueue, useDeleteQueue, useUpdateQueue } from "./mutations.ts";
import { useQueues } from "./queries.ts";

export default function AdminQueuesPage() {
  const queues = useQueues();
  const [editing, setEditing] = useState<Queue | null>(null);
  const [deleting, setDeleting] = useState<Queue | null>(null);
  const t = useT();
  if (queues.isPending) return <Spinner label={t("adminQueues.loading")} />;
  if (queues.isError) return <ErrorNotice title={t("queues.loadFailed")} error={queues.error} />;
  const sorted = [...queues.data].sort((a, b) => a.id.length - b.id.length || a.id.localeCompare(b.id));

  return (
    <main className="mx-auto w-full max-w-4xl p-3 sm:p-6">
      <PageHeader title={t("adminQueues.title")} />
      <NewItemSection id="new-queue" title={t("adminQueues.new")}>
        <CreateQueueForm />
      </NewItemSection>
      <div className="overflow-x-auto rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
        <AdminTable
          caption={t("adminQueues.title")}
          columns={[t("grid.id"), t("grid.name"), t("adminQueues.agents")]}
        >
          {sorted.map((queue) => (
            <tr key={queue.id} className="border-t border-slate-100">
              <td className="px-3 py-2 font-mono text-xs">
                <bdi dir="ltr">{queue.id}</bdi>
              </td>
              <td className="px-3 py-2 font-medium">
                <bdi>{queue.name}</bdi>
              </td>
              <td className="px-3 py-2">{queue.agentIds.length}</td>
              <RowActions>
                <RowButton
                  label={t("adminQueues.renameName", { name: queue.name })}
                  onClick={() => setEditing(queue)}
                >
                  {t("adminQueues.rename")}
                </RowButton>
                <RowButton
                  label={t("common.deleteName", { name: queue.name })}
                  onClick={() => setDeleting(queue)}
                  danger
                >
                  {t("common.delete")}
                </RowButton>
              </RowActions>
            </tr>
          ))}
          {sorted.length === 0 && <EmptyTableRow colSpan={4}>{t("adminQueues.none")}</EmptyTableRow>}
        </AdminTable>
      </div>
      <ItemDialog
        item={editing}
        onClose={() => setEditing(null)}
        title={(queue) => <T k="adminQueues.renameName" values={{ name: <bdi>{queue.name}</bdi> }} />}
      >
        {(queue) => <RenameQueueForm queue={queue} onDone={() => setEditing(null)} />}
      </ItemDialog>
      <ItemDialog
        item={deleting}
        onClose={() => setDeleting(null)}
        title={(queue) => <T k="common.deleteQuestion" values={{ name: <bdi>{queue.name}</bdi> }} />}
      >
        {(queue) => <DeleteQueueForm queue={queue} onDone={() => setDeleting(null)} />}
      </ItemDialog>
    </main>
  );
}

function CreateQueueForm() {
  const create = useCreateQueue();
  const t = useT();
  const [errors, setErrors] = useState<FormErrors>({});
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const input = { id: formString(form, "id").trim(), name: formString(form, "name") };
    const parsed = createQueueRequestSchema.safeParse(input);
    if (!parsed.success) {
      setErrors(zodErrors(parsed.error, input));
      return;
    }
    setErrors({});
    create.mutate(parsed.data, {
      onSuccess: ({ queue }) => {
        showToast("success", "adminQueues.created", { name: queue.name, id: queue.id });
        formElement.reset();
      },
      onError: (error) => setErrors(serverErrors(error)),
    });
  }
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-3">
      <div className="grid gap-3 sm:grid-cols-[10rem_1fr_auto] sm:items-start">
        <Field label={t("adminQueues.id")} error={errors.id} hint={t("common.digitsHint")}>
          {(props) => <input {...props} name="id" {...numberInput} className={inputClass} />}
        </Field>
        <Field label={t("adminQueues.name")} error={errors.name}>
          {(props) => <input {...props} name="name" autoComplete="off" className={inputClass} />}
        </Field>
        <button type="submit" className={`${buttonClass("primary")} sm:mt-6`} disabled={create.isPending}>
          {create.isPending ? t("common.creating") : t("adminQueues.create")}
        </button>
      </div>
      <FormError errors={errors} />
    </form>
  );
}

function RenameQueueForm({ queue, onDone }: { queue: Queue; onDone: () => void }) {
  const update = useUpdateQueue();
  const t = useT();
  const [errors, setErrors] = useState<FormErrors>({});
  function onSubmit(form: HTMLFormElement) {
    const input = { name: formString(new FormData(form), "name") };
    const parsed = updateQueueRequestSchema.safeParse(input);
    if (!parsed.success) {
      setErrors(zodErrors(parsed.error, input));
      return;
    }
    if (parsed.data.name === queue.name) {
      setErrors({ form: t("common.nothingChanged") });
      return;
    }
    update.mutate(
      { queueId: queue.id, changes: parsed.data },
      {
        onSuccess: () => onDone(),
        onError: (error) => setErrors(serverErrors(error)),
      },
    );
  }
  return (
    <DialogForm
      onSubmit={onSubmit}
      onCancel={onDone}
      errors={errors}
      submitLabel={t("common.save")}
      submitDisabled={update.isPending}
    >
      <Field label={t("adminQueues.name")} error={errors.name}>
        {(props) => (
          <input {...props} name="name" defaultValue={queue.name} autoComplete="off" className={inputClass} />
        )}
      </Field>
    </DialogForm>
  );
}

function DeleteQueueForm({ queue, onDone }: { queue: Queue; onDone: () => void }) {
  const remove = useDeleteQueue();
  const t = useT();
  const [errors, setErrors] = useState<FormErrors>({});
  return (
    <DialogForm
      onSubmit={() =>
        remove.mutate(queue.id, {
          onSuccess: () => {
            showToast("success", "adminQueues.deleted", { name: queue.name });
            onDone();
          },
          onError: (error) => setErrors(serverErrors(error)),
        })
      }
      onCancel={onDone}
      errors={errors}
      submitLabel={t("adminQueues.deleteId", { id: queue.id })}
      submitDisabled={remove.isPending}
      danger
    >
      <p className="text-sm">
        <T
          k="adminQueues.deleteDetail"
          values={{
            name: <bdi>{queue.name}</bdi>,
            id: <bdi dir="ltr">#{queue.id}</bdi>,
            count: queue.agentIds.length,
          }}
        />
      </p>
    </DialogForm>
  );
}
