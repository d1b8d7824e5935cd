// The admin's queues: create, rename and delete.
import { createQueueRequestSchema, updateQueueRequestSchema, type Queue } from "@crystal-console/api";
import { useState, type FormEvent } from "react";
import { FormError } from "../../lib/FormError.tsx";
import { formString, serverErrors, zodErrors, type FormErrors } from "../../lib/forms.ts";
import { showToast } from "../../lib/toast.tsx";
import { Dialog, ErrorNotice, Field, PageHeader, Spinner, buttonClass, inputClass } from "../../lib/ui.tsx";
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
      <section
        aria-labelledby="new-queue"
        className="mb-6 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200"
      >
        <h2 id="new-queue" className="mb-3 font-semibold">
          New queue
        </h2>
        <CreateQueueForm />
      </section>
      <div className="overflow-x-auto rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Queues</caption>
          <thead className="bg-slate-50 text-xs text-slate-700">
            <tr>
              <th scope="col" className="px-3 py-2">
                Id
              </th>
              <th scope="col" className="px-3 py-2">
                Name
              </th>
              <th scope="col" className="px-3 py-2">
                Agents
              </th>
              <th scope="col" className="px-3 py-2">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((queue) => (
              <tr key={queue.id} className="border-t border-slate-100">
                <td className="px-3 py-2 font-mono text-xs">{queue.id}</td>
                <td className="px-3 py-2 font-medium">
                  <bdi>{queue.name}</bdi>
                </td>
                <td className="px-3 py-2">{queue.agentIds.length}</td>
                <td className="px-3 py-2">
                  <div className="flex justify-end gap-2">
                    <button
                      type="button"
                      className={buttonClass("secondary", "sm")}
                      onClick={() => setEditing(queue)}
                      aria-label={`Rename ${queue.name}`}
                    >
                      Rename
                    </button>
                    <button
                      type="button"
                      className={buttonClass("danger", "sm")}
                      onClick={() => setDeleting(queue)}
                      aria-label={`Delete ${queue.name}`}
                    >
                      Delete
                    </button>
                  </div>
                </td>
              </tr>
            ))}
            {sorted.length === 0 && (
              <tr>
                <td colSpan={4} className="px-3 py-6 text-center text-slate-600">
                  No queues yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <Dialog
        open={editing !== null}
        onClose={() => setEditing(null)}
        title={`Rename ${editing?.name ?? "queue"}`}
      >
        {editing && <RenameQueueForm queue={editing} onDone={() => setEditing(null)} />}
      </Dialog>
      <Dialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title={`Delete ${deleting?.name ?? "queue"}?`}
      >
        {deleting && <DeleteQueueForm queue={deleting} onDone={() => setDeleting(null)} />}
      </Dialog>
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
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = updateQueueRequestSchema.safeParse({
      name: formString(new FormData(event.currentTarget), "name"),
    });
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
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      <Field label="Queue name" error={errors.name}>
        {(props) => (
          <input {...props} name="name" defaultValue={queue.name} autoComplete="off" className={inputClass} />
        )}
      </Field>
      <FormError errors={errors} />
      <div className="flex justify-end gap-2">
        <button type="button" className={buttonClass("secondary")} onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className={buttonClass("primary")} disabled={update.isPending}>
          Save
        </button>
      </div>
    </form>
  );
}

function DeleteQueueForm({ queue, onDone }: { queue: Queue; onDone: () => void }) {
  const remove = useDeleteQueue();
  const [errors, setErrors] = useState<FormErrors>({});
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        remove.mutate(queue.id, {
          onSuccess: () => {
            showToast("success", `Queue ${queue.name} deleted.`);
            onDone();
          },
          onError: (error) => setErrors(serverErrors(error)),
        });
      }}
      className="space-y-4"
    >
      <p className="text-sm">
        Queue {queue.name} (#{queue.id}) is deleted on the PBX, and its {queue.agentIds.length}{" "}
        {queue.agentIds.length === 1 ? "agent leaves" : "agents leave"} it.
      </p>
      <FormError errors={errors} />
      <div className="flex justify-end gap-2">
        <button type="button" className={buttonClass("secondary")} onClick={onDone} data-autofocus>
          Cancel
        </button>
        <button type="submit" className={buttonClass("danger")} disabled={remove.isPending}>
          Delete queue {queue.id}
        </button>
      </div>
    </form>
  );
}
