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
import { useCurrentUser } from "../session/queries.ts";
import { useCreateUser, useDeleteUser, useUpdateUser, useUsers } from "./queries.ts";

export default function UsersPage() {
  const users = useUsers();
  const me = useCurrentUser();
  const update = useUpdateUser();
  const [resetting, setResetting] = useState<ConsoleUser | null>(null);
  const [deleting, setDeleting] = useState<ConsoleUser | null>(null);
  if (users.isPending) return <Spinner label="Loading users" />;
  if (users.isError) return <ErrorNotice title="The users could not be loaded." error={users.error} />;
  const sorted = [...users.data].sort((a, b) => a.username.localeCompare(b.username));

  return (
    <main className="mx-auto w-full max-w-4xl p-3 sm:p-6">
      <PageHeader title="Console users" />
      <p className="mb-4 text-sm text-slate-600">
        Admins and supervisors sign in with a username. Agents sign in with their agent id and agent password,
        and are managed on the Agents page.
      </p>
      <NewItemSection id="new-user" title="New user">
        <CreateUserForm />
      </NewItemSection>
      <div className="overflow-x-auto rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
        <AdminTable caption="Console users" columns={["Username", "Role", "Status"]}>
          {sorted.map((user) => (
            <tr key={user.username} className="border-t border-slate-100">
              <td className="px-3 py-2 font-medium">
                {user.username}
                {user.username === me.username && <span className="ml-1 text-xs text-slate-600">(you)</span>}
              </td>
              <td className="px-3 py-2">
                <select
                  aria-label={`Role of ${user.username}`}
                  value={user.role}
                  onChange={(event) =>
                    update.mutate({
                      username: user.username,
                      changes: { role: consoleRoleSchema.parse(event.target.value) },
                    })
                  }
                  className={`${inputClass} w-36 py-1`}
                >
                  <option value="admin">Admin</option>
                  <option value="supervisor">Supervisor</option>
                </select>
              </td>
              <td className="px-3 py-2">
                {user.disabled ? (
                  <span className="rounded-full bg-slate-200 px-2 py-0.5 text-xs font-medium text-slate-800">
                    Disabled
                  </span>
                ) : (
                  <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-900">
                    Active
                  </span>
                )}
              </td>
              <RowActions wrap>
                <RowButton label={`Reset password of ${user.username}`} onClick={() => setResetting(user)}>
                  Reset password
                </RowButton>
                <RowButton
                  label={`${user.disabled ? "Enable" : "Disable"} ${user.username}`}
                  onClick={() =>
                    update.mutate({ username: user.username, changes: { disabled: !user.disabled } })
                  }
                >
                  {user.disabled ? "Enable" : "Disable"}
                </RowButton>
                <RowButton label={`Delete ${user.username}`} onClick={() => setDeleting(user)} danger>
                  Delete
                </RowButton>
              </RowActions>
            </tr>
          ))}
        </AdminTable>
      </div>
      <ItemDialog
        item={resetting}
        onClose={() => setResetting(null)}
        title={(user) => `Reset the password of ${user.username}`}
      >
        {(user) => <ResetPasswordForm user={user} onDone={() => setResetting(null)} />}
      </ItemDialog>
      <ItemDialog
        item={deleting}
        onClose={() => setDeleting(null)}
        title={(user) => `Delete ${user.username}?`}
      >
        {(user) => <DeleteUserForm user={user} onDone={() => setDeleting(null)} />}
      </ItemDialog>
    </main>
  );
}

function CreateUserForm() {
  const create = useCreateUser();
  const [errors, setErrors] = useState<FormErrors>({});
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const parsed = createUserRequestSchema.safeParse({
      username: formString(form, "username"),
      role: formString(form, "role"),
      password: formString(form, "password"),
    });
    if (!parsed.success) {
      setErrors(zodErrors(parsed.error));
      return;
    }
    setErrors({});
    create.mutate(parsed.data, {
      onSuccess: ({ user }) => {
        showToast("success", `User ${user.username} created.`);
        formElement.reset();
      },
      onError: (error) => setErrors(serverErrors(error)),
    });
  }
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-3">
      <div className="grid gap-3 sm:grid-cols-3">
        <Field label="Username" error={errors.username}>
          {(props) => (
            <input
              {...props}
              name="username"
              autoComplete="off"
              autoCapitalize="none"
              className={inputClass}
            />
          )}
        </Field>
        <Field label="Role" error={errors.role}>
          {(props) => (
            <select {...props} name="role" defaultValue="supervisor" className={inputClass}>
              <option value="supervisor">Supervisor</option>
              <option value="admin">Admin</option>
            </select>
          )}
        </Field>
        <Field label="Password" error={errors.password} hint={`At least ${USER_PASSWORD_MIN} characters`}>
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
        {create.isPending ? "Creating…" : "Create user"}
      </button>
    </form>
  );
}

function ResetPasswordForm({ user, onDone }: { user: ConsoleUser; onDone: () => void }) {
  const update = useUpdateUser();
  const [errors, setErrors] = useState<FormErrors>({});
  function onSubmit(form: HTMLFormElement) {
    const parsed = userPasswordSchema.safeParse(formString(new FormData(form), "password"));
    if (!parsed.success) {
      setErrors({ password: parsed.error.issues[0]?.message });
      return;
    }
    update.mutate(
      { username: user.username, changes: { password: parsed.data } },
      {
        onSuccess: () => {
          showToast("success", `Password of ${user.username} reset.`);
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
      submitLabel="Reset password"
      submitDisabled={update.isPending}
    >
      <Field label="New password" error={errors.password} hint={`At least ${USER_PASSWORD_MIN} characters`}>
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
  return (
    <DialogForm
      onSubmit={() => remove.mutate(user.username, { onSuccess: onDone })}
      onCancel={onDone}
      submitLabel={`Delete ${user.username}`}
      submitDisabled={remove.isPending}
      danger
    >
      <p className="text-sm">
        {user.username} can no longer sign in, and any open session of theirs ends. Disabling keeps the
        account for later instead.
      </p>
    </DialogForm>
  );
}
