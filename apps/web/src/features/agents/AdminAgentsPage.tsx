// The admin's agents: create, edit and delete, with the server's field errors next to each field and a
// plain warning that a deleted agent's id can never be used again.
import {
  createAgentRequestSchema,
  updateAgentRequestSchema,
  type Agent,
  type Queue,
  type UpdateAgentRequest,
} from "@crystal-console/api";
import { useQuery } from "@tanstack/react-query";
import { useDeferredValue, useMemo, useState } from "react";
import { Link } from "react-router";
import {
  AdminTable,
  DialogForm,
  EmptyTableRow,
  ItemDialog,
  RowActions,
  RowButton,
} from "../../lib/admin.tsx";
import { formString, serverErrors, zodErrors, type FormErrors } from "../../lib/forms.ts";
import { Dialog, ErrorNotice, Field, PageHeader, Spinner, buttonClass, inputClass } from "../../lib/ui.tsx";
import { showToast } from "../../lib/toast.tsx";
import { useQueues } from "../queues/queries.ts";
import { useCreateAgent, useDeleteAgent, useUpdateAgent } from "./mutations.ts";
import { retiredAgentIdsQueryOptions, useAgents } from "./queries.ts";
import { StatePill } from "./state.tsx";

const PAGE_SIZE = 50;

const RETIRED_RULE =
  "An agent id is for good: once an agent is deleted, the PBX keeps its id as inactive and never accepts it for a new agent.";

export default function AdminAgentsPage() {
  const agents = useAgents();
  const queues = useQueues();
  const [search, setSearch] = useState("");
  const [page, setPage] = useState(0);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Agent | null>(null);
  const [deleting, setDeleting] = useState<Agent | null>(null);
  const deferredSearch = useDeferredValue(search);

  const rows = useMemo(() => {
    const needle = deferredSearch.trim().toLocaleLowerCase();
    return (agents.data ?? [])
      .filter(
        (agent) => !needle || agent.id.startsWith(needle) || agent.name.toLocaleLowerCase().includes(needle),
      )
      .sort((a, b) => a.id.length - b.id.length || a.id.localeCompare(b.id));
  }, [agents.data, deferredSearch]);

  if (agents.isPending || queues.isPending) return <Spinner label="Loading agents" />;
  if (agents.isError) return <ErrorNotice title="The agents could not be loaded." error={agents.error} />;
  if (queues.isError) return <ErrorNotice title="The queues could not be loaded." error={queues.error} />;

  const queueNames = new Map(queues.data.map((queue) => [queue.id, queue.name]));
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  const shown = rows.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE);

  return (
    <main className="mx-auto w-full max-w-6xl p-3 sm:p-6">
      <PageHeader title="Agents">
        <button type="button" className={buttonClass("primary")} onClick={() => setCreating(true)}>
          New agent
        </button>
      </PageHeader>
      <p className="mb-4 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950">
        <strong>Deleting is permanent.</strong> {RETIRED_RULE}
      </p>
      <div className="rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
        <div className="flex flex-wrap items-end gap-3 border-b border-slate-200 p-3">
          <label className="block w-full text-xs font-medium text-slate-700 sm:w-64">
            Search agents
            <input
              type="search"
              value={search}
              placeholder="Name or id"
              onChange={(event) => {
                setSearch(event.target.value);
                setPage(0);
              }}
              className={`${inputClass} mt-0.5`}
            />
          </label>
          <p className="text-sm text-slate-600">
            {rows.length} {rows.length === 1 ? "agent" : "agents"}
          </p>
        </div>
        <div className="overflow-x-auto">
          <AdminTable caption="Agents" columns={["Id", "Name", "Out queue", "State", "Queues"]}>
            {shown.map((agent) => (
              <tr key={agent.id} className="border-t border-slate-100">
                <td className="px-3 py-2 font-mono text-xs">{agent.id}</td>
                <td className="px-3 py-2 font-medium">
                  <bdi>{agent.name}</bdi>
                </td>
                <td className="px-3 py-2 text-slate-700">
                  <bdi>{queueNames.get(agent.outQueueId) ?? "—"}</bdi>{" "}
                  <span className="text-xs">#{agent.outQueueId}</span>
                </td>
                <td className="px-3 py-2">
                  <StatePill agent={agent} />
                </td>
                <td className="px-3 py-2 text-slate-700">{agent.queueIds.length}</td>
                <RowActions>
                  <RowButton label={`Edit ${agent.name}`} onClick={() => setEditing(agent)}>
                    Edit
                  </RowButton>
                  <RowButton label={`Delete ${agent.name}`} onClick={() => setDeleting(agent)} danger>
                    Delete
                  </RowButton>
                </RowActions>
              </tr>
            ))}
            {shown.length === 0 && <EmptyTableRow colSpan={6}>No agents match.</EmptyTableRow>}
          </AdminTable>
        </div>
        {pages > 1 && (
          <nav
            aria-label="Pages"
            className="flex items-center justify-between border-t border-slate-200 p-3 text-sm"
          >
            <button
              type="button"
              className={buttonClass("secondary", "sm")}
              disabled={current === 0}
              onClick={() => setPage(current - 1)}
            >
              Previous page
            </button>
            <span>
              Page {current + 1} of {pages}
            </span>
            <button
              type="button"
              className={buttonClass("secondary", "sm")}
              disabled={current >= pages - 1}
              onClick={() => setPage(current + 1)}
            >
              Next page
            </button>
          </nav>
        )}
      </div>
      <Dialog open={creating} onClose={() => setCreating(false)} title="New agent">
        <CreateAgentForm queues={queues.data} existingIds={agents.data} onDone={() => setCreating(false)} />
      </Dialog>
      <ItemDialog item={editing} onClose={() => setEditing(null)} title={(agent) => `Edit ${agent.name}`}>
        {(agent) => <EditAgentForm agent={agent} queues={queues.data} onDone={() => setEditing(null)} />}
      </ItemDialog>
      <ItemDialog
        item={deleting}
        onClose={() => setDeleting(null)}
        title={(agent) => `Delete ${agent.name}?`}
      >
        {(agent) => <DeleteAgentForm agent={agent} onDone={() => setDeleting(null)} />}
      </ItemDialog>
    </main>
  );
}

function OutQueueField({
  queues,
  defaultValue,
  error,
}: {
  queues: Queue[];
  defaultValue?: string;
  error?: string | undefined;
}) {
  const sorted = [...queues].sort((a, b) => a.name.localeCompare(b.name));
  const knownDefault = defaultValue === undefined || sorted.some((queue) => queue.id === defaultValue);
  return (
    <Field label="Out queue" error={error} hint="The queue used for this agent's outgoing calls.">
      {(props) => (
        <select
          {...props}
          name="outQueueId"
          defaultValue={defaultValue ?? ""}
          className={inputClass}
          required
        >
          {defaultValue === undefined && (
            <option value="" disabled>
              Choose a queue
            </option>
          )}
          {!knownDefault && <option value={defaultValue}>#{defaultValue}</option>}
          {sorted.map((queue) => (
            <option key={queue.id} value={queue.id}>
              {`\u2068${queue.name}\u2069 (#${queue.id})`}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function CreateAgentForm({
  queues,
  existingIds,
  onDone,
}: {
  queues: Queue[];
  existingIds: Agent[];
  onDone: () => void;
}) {
  const create = useCreateAgent();
  const retired = useQuery(retiredAgentIdsQueryOptions());
  const [errors, setErrors] = useState<FormErrors>({});
  const [id, setId] = useState("");
  const typedId = id.trim();
  const isRetired = typedId !== "" && (retired.data ?? []).includes(typedId);
  const isTaken = typedId !== "" && existingIds.some((agent) => agent.id === typedId);

  function onSubmit(formElement: HTMLFormElement) {
    const form = new FormData(formElement);
    const parsed = createAgentRequestSchema.safeParse({
      id: formString(form, "id").trim(),
      name: formString(form, "name"),
      password: formString(form, "password"),
      outQueueId: formString(form, "outQueueId"),
    });
    if (!parsed.success) {
      const found = zodErrors(parsed.error);
      if (found.outQueueId && formString(form, "outQueueId") === "")
        found.outQueueId = "Choose an out queue.";
      setErrors(found);
      return;
    }
    setErrors({});
    create.mutate(parsed.data, {
      onSuccess: ({ agent }) => {
        showToast("success", `Agent ${agent.name} (${agent.id}) created.`);
        onDone();
      },
      onError: (error) => setErrors(serverErrors(error)),
    });
  }

  if (queues.length === 0) {
    return (
      <p className="text-sm">
        An agent needs an out queue. Create a queue on the{" "}
        <Link to="/admin/queues" className="text-cyan-800 underline">
          Queues page
        </Link>{" "}
        first.
      </p>
    );
  }

  const idWarning = isRetired
    ? `Agent id ${typedId} belonged to a deleted agent. The PBX never accepts it again: choose another id.`
    : isTaken
      ? `Agent id ${typedId} is already in use.`
      : undefined;

  return (
    <DialogForm
      onSubmit={onSubmit}
      onCancel={onDone}
      errors={errors}
      submitLabel={create.isPending ? "Creating…" : "Create agent"}
      submitDisabled={create.isPending || isRetired}
    >
      <Field
        label="Agent id"
        error={errors.id}
        hint={
          idWarning ? (
            <span role="alert" className="font-medium text-red-800">
              {idWarning}
            </span>
          ) : (
            `1 to 10 digits; the agent signs in with it. ${RETIRED_RULE}`
          )
        }
      >
        {(props) => (
          <input
            {...props}
            name="id"
            inputMode="numeric"
            autoComplete="off"
            value={id}
            onChange={(event) => setId(event.target.value)}
            className={inputClass}
          />
        )}
      </Field>
      <Field label="Name" error={errors.name}>
        {(props) => <input {...props} name="name" autoComplete="off" className={inputClass} />}
      </Field>
      <Field
        label="Password"
        error={errors.password}
        hint="The agent's PBX password: 1 to 32 characters, no spaces."
      >
        {(props) => (
          <input
            {...props}
            name="password"
            type="password"
            autoComplete="new-password"
            className={inputClass}
          />
        )}
      </Field>
      <OutQueueField queues={queues} error={errors.outQueueId} />
    </DialogForm>
  );
}

function EditAgentForm({ agent, queues, onDone }: { agent: Agent; queues: Queue[]; onDone: () => void }) {
  const update = useUpdateAgent();
  const [errors, setErrors] = useState<FormErrors>({});

  function onSubmit(formElement: HTMLFormElement) {
    const form = new FormData(formElement);
    const name = formString(form, "name");
    const password = formString(form, "password");
    const outQueueId = formString(form, "outQueueId");
    const changes: UpdateAgentRequest = {};
    if (name.trim() !== agent.name) changes.name = name;
    if (password !== "") changes.password = password;
    if (outQueueId !== agent.outQueueId) changes.outQueueId = outQueueId;
    if (Object.keys(changes).length === 0) {
      setErrors({ form: "Nothing changed." });
      return;
    }
    const parsed = updateAgentRequestSchema.safeParse(changes);
    if (!parsed.success) {
      setErrors(zodErrors(parsed.error));
      return;
    }
    setErrors({});
    update.mutate(
      { agentId: agent.id, changes: parsed.data },
      {
        onSuccess: ({ agent: saved }) => {
          showToast("success", `Agent ${saved.name} saved.`);
          onDone();
        },
        onError: (error) => setErrors(serverErrors(error)),
      },
    );
  }

  return (
    <DialogForm
      onSubmit={onSubmit}
      onCancel={onDone}
      errors={errors}
      submitLabel={update.isPending ? "Saving…" : "Save"}
      submitDisabled={update.isPending}
    >
      <p className="text-sm text-slate-600">Agent id {agent.id} (an id cannot change).</p>
      <Field label="Name" error={errors.name}>
        {(props) => (
          <input {...props} name="name" defaultValue={agent.name} autoComplete="off" className={inputClass} />
        )}
      </Field>
      <Field label="New password" error={errors.password} hint="Leave empty to keep the current password.">
        {(props) => (
          <input
            {...props}
            name="password"
            type="password"
            autoComplete="new-password"
            className={inputClass}
          />
        )}
      </Field>
      <OutQueueField queues={queues} defaultValue={agent.outQueueId} error={errors.outQueueId} />
    </DialogForm>
  );
}

function DeleteAgentForm({ agent, onDone }: { agent: Agent; onDone: () => void }) {
  const remove = useDeleteAgent();
  const [errors, setErrors] = useState<FormErrors>({});
  return (
    <DialogForm
      onSubmit={() =>
        remove.mutate(agent.id, {
          onSuccess: () => {
            showToast("success", `Agent ${agent.name} (${agent.id}) deleted.`);
            onDone();
          },
          onError: (error) => setErrors(serverErrors(error)),
        })
      }
      onCancel={onDone}
      errors={errors}
      submitLabel={remove.isPending ? "Deleting…" : `Delete agent ${agent.id}`}
      submitDisabled={remove.isPending}
      danger
    >
      <div className="rounded-lg border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-950">
        <p className="font-semibold">This cannot be undone.</p>
        <p className="mt-1">
          Agent id {agent.id} can never be used again: the PBX keeps it as an inactive agent and refuses any
          new agent with that id. The agent also leaves all of its {agent.queueIds.length}{" "}
          {agent.queueIds.length === 1 ? "queue" : "queues"}.
        </p>
        {agent.status !== "logged_off" && (
          <p className="mt-1 font-medium">This agent is logged in: log it off first, or the PBX refuses.</p>
        )}
      </div>
    </DialogForm>
  );
}
