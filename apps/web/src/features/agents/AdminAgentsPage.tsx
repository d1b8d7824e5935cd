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
import {
  Dialog,
  ErrorNotice,
  Field,
  PageHeader,
  Spinner,
  buttonClass,
  inputClass,
  numberInput,
} from "../../lib/ui.tsx";
import { showToast } from "../../lib/toast.tsx";
import { T, isolate, useT } from "../../i18n/i18n.tsx";
import { useQueues } from "../queues/queries.ts";
import { useCreateAgent, useDeleteAgent, useUpdateAgent } from "./mutations.ts";
import { retiredAgentIdsQueryOptions, useAgents } from "./queries.ts";
import { StatePill } from "./state.tsx";

const PAGE_SIZE = 50;

export default function AdminAgentsPage() {
  const agents = useAgents();
  const queues = useQueues();
  const [search, setSearch] = useState("");
  const [page, setPage] = useState(0);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Agent | null>(null);
  const [deleting, setDeleting] = useState<Agent | null>(null);
  const deferredSearch = useDeferredValue(search);
  const t = useT();

  const rows = useMemo(() => {
    const needle = deferredSearch.trim().toLocaleLowerCase();
    return (agents.data ?? [])
      .filter(
        (agent) => !needle || agent.id.startsWith(needle) || agent.name.toLocaleLowerCase().includes(needle),
      )
      .sort((a, b) => a.id.length - b.id.length || a.id.localeCompare(b.id));
  }, [agents.data, deferredSearch]);

  if (agents.isPending || queues.isPending) return <Spinner label={t("adminAgents.loading")} />;
  if (agents.isError) return <ErrorNotice title={t("agents.loadFailed")} error={agents.error} />;
  if (queues.isError) return <ErrorNotice title={t("queues.loadFailed")} error={queues.error} />;

  const queueNames = new Map(queues.data.map((queue) => [queue.id, queue.name]));
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  const shown = rows.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE);

  return (
    <main className="mx-auto w-full max-w-6xl p-3 sm:p-6">
      <PageHeader title={t("adminAgents.title")}>
        <button type="button" className={buttonClass("primary")} onClick={() => setCreating(true)}>
          {t("adminAgents.new")}
        </button>
      </PageHeader>
      <p className="mb-4 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950">
        <strong>{t("adminAgents.permanent")}</strong> {t("adminAgents.retiredRule")}
      </p>
      <div className="rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
        <div className="flex flex-wrap items-end gap-3 border-b border-slate-200 p-3">
          <label className="block w-full text-xs font-medium text-slate-700 sm:w-64">
            {t("adminAgents.search")}
            <input
              type="search"
              value={search}
              placeholder={t("board.searchPlaceholder")}
              onChange={(event) => {
                setSearch(event.target.value);
                setPage(0);
              }}
              className={`${inputClass} mt-0.5`}
            />
          </label>
          <p className="text-sm text-slate-600">{t("queues.agents", { count: rows.length })}</p>
        </div>
        <div className="overflow-x-auto">
          <AdminTable
            caption={t("adminAgents.title")}
            columns={[
              t("grid.id"),
              t("grid.name"),
              t("adminAgents.outQueue"),
              t("grid.state"),
              t("grid.queues"),
            ]}
          >
            {shown.map((agent) => (
              <tr key={agent.id} className="border-t border-slate-100">
                <td className="px-3 py-2 font-mono text-xs">
                  <bdi dir="ltr">{agent.id}</bdi>
                </td>
                <td className="px-3 py-2 font-medium">
                  <bdi>{agent.name}</bdi>
                </td>
                <td className="px-3 py-2 text-slate-700">
                  <bdi>{queueNames.get(agent.outQueueId) ?? "—"}</bdi>{" "}
                  <bdi dir="ltr" className="text-xs">
                    #{agent.outQueueId}
                  </bdi>
                </td>
                <td className="px-3 py-2">
                  <StatePill agent={agent} />
                </td>
                <td className="px-3 py-2 text-slate-700">{agent.queueIds.length}</td>
                <RowActions>
                  <RowButton
                    label={t("adminAgents.editName", { name: agent.name })}
                    onClick={() => setEditing(agent)}
                  >
                    {t("adminAgents.edit")}
                  </RowButton>
                  <RowButton
                    label={t("common.deleteName", { name: agent.name })}
                    onClick={() => setDeleting(agent)}
                    danger
                  >
                    {t("common.delete")}
                  </RowButton>
                </RowActions>
              </tr>
            ))}
            {shown.length === 0 && <EmptyTableRow colSpan={6}>{t("grid.noMatch")}</EmptyTableRow>}
          </AdminTable>
        </div>
        {pages > 1 && (
          <nav
            aria-label={t("common.pages")}
            className="flex items-center justify-between border-t border-slate-200 p-3 text-sm"
          >
            <button
              type="button"
              className={buttonClass("secondary", "sm")}
              disabled={current === 0}
              onClick={() => setPage(current - 1)}
            >
              {t("common.previousPage")}
            </button>
            <span>{t("common.pageOf", { page: current + 1, count: pages })}</span>
            <button
              type="button"
              className={buttonClass("secondary", "sm")}
              disabled={current >= pages - 1}
              onClick={() => setPage(current + 1)}
            >
              {t("common.nextPage")}
            </button>
          </nav>
        )}
      </div>
      <Dialog open={creating} onClose={() => setCreating(false)} title={t("adminAgents.new")}>
        <CreateAgentForm queues={queues.data} existingIds={agents.data} onDone={() => setCreating(false)} />
      </Dialog>
      <ItemDialog
        item={editing}
        onClose={() => setEditing(null)}
        title={(agent) => <T k="adminAgents.editName" values={{ name: <bdi>{agent.name}</bdi> }} />}
      >
        {(agent) => <EditAgentForm agent={agent} queues={queues.data} onDone={() => setEditing(null)} />}
      </ItemDialog>
      <ItemDialog
        item={deleting}
        onClose={() => setDeleting(null)}
        title={(agent) => <T k="common.deleteQuestion" values={{ name: <bdi>{agent.name}</bdi> }} />}
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
  const t = useT();
  return (
    <Field label={t("adminAgents.outQueue")} error={error} hint={t("adminAgents.outQueueHint")}>
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
              {t("adminAgents.chooseQueue")}
            </option>
          )}
          {!knownDefault && <option value={defaultValue}>#{defaultValue}</option>}
          {sorted.map((queue) => (
            <option key={queue.id} value={queue.id}>
              {t("adminAgents.queueOption", { name: isolate(queue.name), id: queue.id })}
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
  const t = useT();
  const retired = useQuery(retiredAgentIdsQueryOptions());
  const [errors, setErrors] = useState<FormErrors>({});
  const [id, setId] = useState("");
  const typedId = id.trim();
  const isRetired = typedId !== "" && (retired.data ?? []).includes(typedId);
  const isTaken = typedId !== "" && existingIds.some((agent) => agent.id === typedId);

  function onSubmit(formElement: HTMLFormElement) {
    const form = new FormData(formElement);
    const input = {
      id: formString(form, "id").trim(),
      name: formString(form, "name"),
      password: formString(form, "password"),
      outQueueId: formString(form, "outQueueId"),
    };
    const parsed = createAgentRequestSchema.safeParse(input);
    if (!parsed.success) {
      const found = zodErrors(parsed.error, input, { password: "rule.agentPassword" });
      if (found.outQueueId && input.outQueueId === "") found.outQueueId = t("adminAgents.chooseOutQueue");
      setErrors(found);
      return;
    }
    setErrors({});
    create.mutate(parsed.data, {
      onSuccess: ({ agent }) => {
        showToast("success", "adminAgents.created", { name: agent.name, id: agent.id });
        onDone();
      },
      onError: (error) => setErrors(serverErrors(error)),
    });
  }

  if (queues.length === 0) {
    return (
      <p className="text-sm">
        <T
          k="adminAgents.needsQueue"
          values={{
            link: (
              <Link to="/admin/queues" className="text-cyan-800 underline">
                {t("adminAgents.queuesPage")}
              </Link>
            ),
          }}
        />
      </p>
    );
  }

  const idWarning = isRetired
    ? t("adminAgents.idRetired", { id: typedId })
    : isTaken
      ? t("adminAgents.idTaken", { id: typedId })
      : undefined;

  return (
    <DialogForm
      onSubmit={onSubmit}
      onCancel={onDone}
      errors={errors}
      submitLabel={create.isPending ? t("common.creating") : t("adminAgents.create")}
      submitDisabled={create.isPending || isRetired}
    >
      <Field
        label={t("field.agentId")}
        error={errors.id}
        hint={
          idWarning ? (
            <span role="alert" className="font-medium text-red-800">
              {idWarning}
            </span>
          ) : (
            t("adminAgents.idHint")
          )
        }
      >
        {(props) => (
          <input
            {...props}
            name="id"
            {...numberInput}
            value={id}
            onChange={(event) => setId(event.target.value)}
            className={inputClass}
          />
        )}
      </Field>
      <Field label={t("field.name")} error={errors.name}>
        {(props) => <input {...props} name="name" autoComplete="off" className={inputClass} />}
      </Field>
      <Field label={t("field.password")} error={errors.password} hint={t("adminAgents.passwordHint")}>
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
  const t = useT();
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
      setErrors({ form: t("common.nothingChanged") });
      return;
    }
    const parsed = updateAgentRequestSchema.safeParse(changes);
    if (!parsed.success) {
      setErrors(zodErrors(parsed.error, changes, { password: "rule.agentPassword" }));
      return;
    }
    setErrors({});
    update.mutate(
      { agentId: agent.id, changes: parsed.data },
      {
        onSuccess: ({ agent: saved }) => {
          showToast("success", "adminAgents.saved", { name: saved.name });
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
      submitLabel={update.isPending ? t("common.saving") : t("common.save")}
      submitDisabled={update.isPending}
    >
      <p className="text-sm text-slate-600">
        <T k="adminAgents.idFixed" values={{ id: <bdi dir="ltr">{agent.id}</bdi> }} />
      </p>
      <Field label={t("field.name")} error={errors.name}>
        {(props) => (
          <input {...props} name="name" defaultValue={agent.name} autoComplete="off" className={inputClass} />
        )}
      </Field>
      <Field label={t("common.newPassword")} error={errors.password} hint={t("adminAgents.keepPassword")}>
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
  const t = useT();
  const [errors, setErrors] = useState<FormErrors>({});
  return (
    <DialogForm
      onSubmit={() =>
        remove.mutate(agent.id, {
          onSuccess: () => {
            showToast("success", "adminAgents.deleted", { name: agent.name, id: agent.id });
            onDone();
          },
          onError: (error) => setErrors(serverErrors(error)),
        })
      }
      onCancel={onDone}
      errors={errors}
      submitLabel={remove.isPending ? t("common.deleting") : t("adminAgents.deleteId", { id: agent.id })}
      submitDisabled={remove.isPending}
      danger
    >
      <div className="rounded-lg border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-950">
        <p className="font-semibold">{t("adminAgents.cannotUndo")}</p>
        <p className="mt-1">
          <T
            k="adminAgents.deleteDetail"
            values={{ id: <bdi dir="ltr">{agent.id}</bdi>, count: agent.queueIds.length }}
          />
        </p>
        {agent.status !== "logged_off" && <p className="mt-1 font-medium">{t("adminAgents.loggedIn")}</p>}
      </div>
    </DialogForm>
  );
}
