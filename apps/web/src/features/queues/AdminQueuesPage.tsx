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
import { ErrorNotice, Field, PageHeader, Spinner, buttonClass, inputClass } from "../../lib/ui.tsx";
import { useCreateQueue, useDeleteQueue, useUpdateQueue } from "./mutations.ts";
import { useQueues } from "./queries.ts";

export default function AdminQueuesPage() {
  const queues = useQueues();
  const [editing, setEditing] = useState<Queue | null>(null);
  const [deleting, setDeleting] = useState<Queue | null>(null);
  if (queues.isPending) return <Spinner label="Loading queues" />;
  if (queues.isError) return <ErrorNotice title="The queues could not be loaded." error={queues.error} />;
  const sorted = [...queues.data].sort((a, b) => a.id.length - b.id.length || a.id.localeCompare(b.id));

  return (
    <main className="mx-auto w-full max-w-4xl p-3 sm:p-6">
      <PageHeader title="Queues" />
      <NewItemSection id="new-queue" title="New queue">
        <CreateQueueForm />
      </NewItemSection>
      <div className="overflow-x-auto rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
        <AdminTable caption="Queues" columns={["Id", "Name", "Agents"]}>
          {sorted.map((queue) => (
            <tr key={queue.id} className="border-t border-slate-100">
              <td className="px-3 py-2 font-mono text-xs">{queue.id}</td>
              <td className="px-3 py-2 font-medium">
                <bdi>{queue.name}</bdi>
              </td>
              <td className="px-3 py-2">{queue.agentIds.length}</td>
              <RowActions>
                <RowButton label={`Rename ${queue.name}`} onClick={() => setEditing(queue)}>
                  Rename
                </RowButton>
                <RowButton label={`Delete ${queue.name}`} onClick={() => setDeleting(queue)} danger>
                  Delete
                </RowButton>
              </RowActions>
            </tr>
          ))}
          {sorted.length === 0 && <EmptyTableRow colSpan={4}>No queues yet.</EmptyTableRow>}
        </AdminTable>
      </div>
      <ItemDialog item={editing} onClose={() => setEditing(null)} title={(queue) => `Rename ${queue.name}`}>
        {(queue) => <RenameQueueForm queue={queue} onDone={() => setEditing(null)} />}
      </ItemDialog>
      <ItemDialog
        item={deleting}
        onClose={() => setDeleting(null)}
        title={(queue) => `Delete ${queue.name}?`}
      >
        {(queue) => <DeleteQueueForm queue={queue} onDone={() => setDeleting(null)} />}
      </ItemDialog>
    </main>
  );
}

function CreateQueueForm() {
  const create = useCreateQueue();
  const [errors, setErrors] = useState<FormErrors>({});
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const parsed = createQueueRequestSchema.safeParse({
      id: formString(form, "id").trim(),
      name: formString(form, "name"),
    });
    if (!parsed.success) {
      setErrors(zodErrors(parsed.error));
      return;
    }
    setErrors({});
    create.mutate(parsed.data, {
      onSuccess: ({ queue }) => {
        showToast("success", `Queue ${queue.name} (${queue.id}) created.`);
        formElement.reset();
      },
      onError: (error) => setErrors(serverErrors(error)),
    });
  }
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-3">
      <div className="grid gap-3 sm:grid-cols-[10rem_1fr_auto] sm:items-start">
        <Field label="Queue id" error={errors.id} hint="1 to 10 digits">
          {(props) => (
            <input {...props} name="id" inputMode="numeric" autoComplete="off" className={inputClass} />
          )}
        </Field>
        <Field label="Queue name" error={errors.name}>
          {(props) => <input {...props} name="name" autoComplete="off" className={inputClass} />}
        </Field>
        <button type="submit" className={`${buttonClass("primary")} sm:mt-6`} disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create queue"}
        </button>
      </div>
      <FormError errors={errors} />
    </form>
  );
}

function RenameQueueForm({ queue, onDone }: { queue: Queue; onDone: () => void }) {
  const update = useUpdateQueue();
  const [errors, setErrors] = useState<FormErrors>({});
  function onSubmit(form: HTMLFormElement) {
    const parsed = updateQueueRequestSchema.safeParse({ name: formString(new FormData(form), "name") });
    if (!parsed.success) {
      setErrors(zodErrors(parsed.error));
      return;
    }
    if (parsed.data.name === queue.name) {
      setErrors({ form: "Nothing changed." });
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
      submitLabel="Save"
      submitDisabled={update.isPending}
    >
      <Field label="Queue name" error={errors.name}>
        {(props) => (
          <input {...props} name="name" defaultValue={queue.name} autoComplete="off" className={inputClass} />
        )}
      </Field>
    </DialogForm>
  );
}

function DeleteQueueForm({ queue, onDone }: { queue: Queue; onDone: () => void }) {
  const remove = useDeleteQueue();
  const [errors, setErrors] = useState<FormErrors>({});
  return (
    <DialogForm
      onSubmit={() =>
        remove.mutate(queue.id, {
          onSuccess: () => {
            showToast("success", `Queue ${queue.name} deleted.`);
            onDone();
          },
          onError: (error) => setErrors(serverErrors(error)),
        })
      }
      onCancel={onDone}
      errors={errors}
      submitLabel={`Delete queue ${queue.id}`}
      submitDisabled={remove.isPending}
      danger
    >
      <p className="text-sm">
        Queue {queue.name} (#{queue.id}) is deleted on the PBX, and its {queue.agentIds.length}{" "}
        {queue.agentIds.length === 1 ? "agent leaves" : "agents leave"} it.
      </p>
    </DialogForm>
  );
}
