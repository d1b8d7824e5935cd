// Console users: create admins and supervisors, change a role, reset a password, disable or delete.
import {
  USER_PASSWORD_MIN,
  consoleRoleSchema,
  createUserRequestSchema,
  userPasswordSchema,
  type ConsoleUser,
} from "@crystal-console/api";
import { useState, type FormEvent } from "react";
import {
  AdminTable,
  DialogForm,
  ItemDialog,
  NewItemSection,
  RowActions,
  RowButton,
} from "../../lib/admin.tsx";
import { FormError } from "../../lib/FormError.tsx";
import { formString, serverErrors, zodErrors, type FormErrors } from "../../lib/forms.ts";
import { showToast } from "../../lib/toast.tsx";
import { ErrorNotice, Field, PageHeader, Spinner, buttonClass, inputClass } from "../../lib/ui.tsx";
import { T, useT } from "../../i18n/i18n.tsx";
import { useCurrentUser } from "../session/queries.ts";
import { useCreateUser, useDeleteUser, useUpdateUser, useUsers } from "./queries.ts";

export default function UsersPage() {
  const users = useUsers();
  const me = useCurrentUser();
  const update = useUpdateUser();
  const [resetting, setResetting] = useState<ConsoleUser | null>(null);
  const [deleting, setDeleting] = useState<ConsoleUser | null>(null);
  const t = useT();
  if (users.isPending) return <Spinner label={t("users.loading")} />;
  if (users.isError) return <ErrorNotice title={t("users.loadFailed")} error={users.error} />;
  const sorted = [...users.data].sort((a, b) => a.username.localeCompare(b.username));

  return (
    <main className="mx-auto w-full max-w-4xl p-3 sm:p-6">
      <PageHeader title={t("users.title")} />
      <p className="mb-4 text-sm text-slate-600">{t("users.intro")}</p>
      <NewItemSection id="new-user" title={t("users.new")}>
        <CreateUserForm />
      </NewItemSection>
      <div className="overflow-x-auto rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
        <AdminTable
          caption={t("users.title")}
          columns={[t("field.username"), t("field.role"), t("users.status")]}
        >
          {sorted.map((user) => (
            <tr key={user.username} className="border-t border-slate-100">
              <td className="px-3 py-2 font-medium">
                <bdi>{user.username}</bdi>
                {user.username === me.username && (
                  <span className="ms-1 text-xs text-slate-600">{t("users.you")}</span>
                )}
              </td>
              <td className="px-3 py-2">
                <select
                  aria-label={t("users.roleOf", { name: user.username })}
                  value={user.role}
                  onChange={(event) =>
                    update.mutate({
                      username: user.username,
                      changes: { role: consoleRoleSchema.parse(event.target.value) },
                    })
                  }
                  className={`${inputClass} w-36 py-1`}
                >
                  <option value="admin">{t("users.admin")}</option>
                  <option value="supervisor">{t("users.supervisor")}</option>
                  <option value="viewer">{t("users.viewer")}</option>
                </select>
              </td>
              <td className="px-3 py-2">
                {user.disabled ? (
                  <span className="rounded-full bg-slate-200 px-2 py-0.5 text-xs font-medium text-slate-800">
                    {t("users.disabled")}
                  </span>
                ) : (
                  <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-900">
                    {t("users.active")}
                  </span>
                )}
              </td>
              <RowActions wrap>
                <RowButton
                  label={t("users.resetOf", { name: user.username })}
                  onClick={() => setResetting(user)}
                >
                  {t("users.reset")}
                </RowButton>
                <RowButton
                  label={t(user.disabled ? "users.enableName" : "users.disableName", { name: user.username })}
                  onClick={() =>
                    update.mutate({ username: user.username, changes: { disabled: !user.disabled } })
                  }
                >
                  {user.disabled ? t("users.enable") : t("users.disable")}
                </RowButton>
                <RowButton
                  label={t("common.deleteName", { name: user.username })}
                  onClick={() => setDeleting(user)}
                  danger
                >
                  {t("common.delete")}
                </RowButton>
              </RowActions>
            </tr>
          ))}
        </AdminTable>
      </div>
      <ItemDialog
        item={resetting}
        onClose={() => setResetting(null)}
        title={(user) => <T k="users.resetTitle" values={{ name: <bdi>{user.username}</bdi> }} />}
      >
        {(user) => <ResetPasswordForm user={user} onDone={() => setResetting(null)} />}
      </ItemDialog>
      <ItemDialog
        item={deleting}
        onClose={() => setDeleting(null)}
        title={(user) => <T k="common.deleteQuestion" values={{ name: <bdi>{user.username}</bdi> }} />}
      >
        {(user) => <DeleteUserForm user={user} onDone={() => setDeleting(null)} />}
      </ItemDialog>
    </main>
  );
}

function CreateUserForm() {
  const create = useCreateUser();
  const t = useT();
  const [errors, setErrors] = useState<FormErrors>({});
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const input = {
      username: formString(form, "username"),
      role: formString(form, "role"),
      password: formString(form, "password"),
    };
    const parsed = createUserRequestSchema.safeParse(input);
    if (!parsed.success) {
      setErrors(zodErrors(parsed.error, input, { password: "rule.userPassword" }));
      return;
    }
    setErrors({});
    create.mutate(parsed.data, {
      onSuccess: ({ user }) => {
        showToast("success", "users.created", { name: user.username });
        formElement.reset();
      },
      onError: (error) => setErrors(serverErrors(error)),
    });
  }
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-3">
      <div className="grid gap-3 sm:grid-cols-3">
        <Field label={t("field.username")} error={errors.username}>
          {(props) => (
            <input
              {...props}
              name="username"
              autoComplete="off"
              autoCapitalize="none"
              dir="ltr"
              className={inputClass}
            />
          )}
        </Field>
        <Field label={t("field.role")} error={errors.role}>
          {(props) => (
            <select {...props} name="role" defaultValue="supervisor" className={inputClass}>
              <option value="supervisor">{t("users.supervisor")}</option>
              <option value="viewer">{t("users.viewer")}</option>
              <option value="admin">{t("users.admin")}</option>
            </select>
          )}
        </Field>
        <Field
          label={t("field.password")}
          error={errors.password}
          hint={t("users.passwordHint", { min: USER_PASSWORD_MIN })}
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
      </div>
      <FormError errors={errors} />
      <button type="submit" className={buttonClass("primary")} disabled={create.isPending}>
        {create.isPending ? t("common.creating") : t("users.create")}
      </button>
    </form>
  );
}

function ResetPasswordForm({ user, onDone }: { user: ConsoleUser; onDone: () => void }) {
  const update = useUpdateUser();
  const t = useT();
  const [errors, setErrors] = useState<FormErrors>({});
  function onSubmit(form: HTMLFormElement) {
    const password = formString(new FormData(form), "password");
    const parsed = userPasswordSchema.safeParse(password);
    if (!parsed.success) {
      setErrors({
        password: zodErrors(parsed.error, { form: password }, { form: "rule.userPassword" }).form,
      });
      return;
    }
    update.mutate(
      { username: user.username, changes: { password: parsed.data } },
      {
        onSuccess: () => {
          showToast("success", "users.passwordReset", { name: user.username });
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
      submitLabel={t("users.reset")}
      submitDisabled={update.isPending}
    >
      <Field
        label={t("common.newPassword")}
        error={errors.password}
        hint={t("users.passwordHint", { min: USER_PASSWORD_MIN })}
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
    </DialogForm>
  );
}

function DeleteUserForm({ user, onDone }: { user: ConsoleUser; onDone: () => void }) {
  const remove = useDeleteUser();
  const t = useT();
  return (
    <DialogForm
      onSubmit={() => remove.mutate(user.username, { onSuccess: onDone })}
      onCancel={onDone}
      submitLabel={t("common.deleteName", { name: user.username })}
      submitDisabled={remove.isPending}
      danger
    >
      <p className="text-sm">
        <T k="users.deleteDetail" values={{ name: <bdi>{user.username}</bdi> }} />
      </p>
    </DialogForm>
  );
}
