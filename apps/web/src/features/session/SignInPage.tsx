import { useState } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { ApiRequestError, errorMessage } from "../../lib/api.ts";
import { loadSchemas } from "../../lib/contract.ts";
import { formString, serverErrors } from "../../lib/forms.ts";
import { Field, buttonClass, inputClass, useDocumentTitle } from "../../lib/ui.tsx";
import { useT } from "../../i18n/i18n.tsx";
import { LanguagePicker, chooseBeforeSignIn } from "./language.tsx";
import { homePath, safeNext, useSession, useSignIn } from "./queries.ts";

export function SignInPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const session = useSession();
  const signIn = useSignIn();
  const navigate = useNavigate();
  const t = useT();
  useDocumentTitle(t("signIn.title"));
  const [errors, setErrors] = useState<{ username?: string; password?: string; form?: string }>({});

  if (session.data) return <Navigate to={next ?? homePath(session.data.role)} replace />;

  async function submit(form: FormData) {
    const { loginRequestSchema } = await loadSchemas();
    const parsed = loginRequestSchema.safeParse({
      username: formString(form, "username"),
      password: formString(form, "password"),
    });
    if (!parsed.success) {
      const fieldErrors: typeof errors = {};
      for (const issue of parsed.error.issues) {
        if (issue.path[0] === "username") fieldErrors.username = t("signIn.enterUsername");
        if (issue.path[0] === "password") fieldErrors.password = t("signIn.enterPassword");
      }
      setErrors(fieldErrors);
      return;
    }
    setErrors({});
    signIn.mutate(parsed.data, {
      onSuccess: ({ user }) => {
        void navigate(next ?? homePath(user.role), { replace: true });
      },
      onError: (error) => {
        if (error instanceof ApiRequestError && error.status === 401) {
          setErrors({ form: t("signIn.wrong") });
        } else {
          const { pbxMessage: _message, pbxCode: _code, ...found } = serverErrors(error);
          setErrors({ ...found, form: error instanceof ApiRequestError ? errorMessage(error) : found.form });
        }
      },
    });
  }

  return (
    <main className="flex min-h-dvh items-center justify-center bg-slate-100 p-4">
      <div className="w-full max-w-sm rounded-2xl bg-white p-6 shadow-lg sm:p-8">
        <div className="mb-6 flex items-center gap-3">
          <img src="/favicon.svg" alt="" className="size-9" />
          <div>
            <h1 className="text-xl font-semibold text-slate-900">{t("app.name")}</h1>
            <p className="text-sm text-slate-600">{t("signIn.subtitle")}</p>
          </div>
        </div>
        <div className="mb-4 flex justify-end">
          <LanguagePicker onChange={chooseBeforeSignIn} />
        </div>
        {next && !errors.form && (
          <p className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
            {t("signIn.continue")}
          </p>
        )}
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void submit(new FormData(event.currentTarget));
          }}
          noValidate
          className="space-y-4"
        >
          <Field label={t("signIn.username")} error={errors.username}>
            {(props) => (
              <input
                {...props}
                name="username"
                autoComplete="username"
                autoCapitalize="none"
                spellCheck={false}
                required
                autoFocus
                className={inputClass}
              />
            )}
          </Field>
          <Field label={t("signIn.password")} error={errors.password}>
            {(props) => (
              <input
                {...props}
                name="password"
                type="password"
                autoComplete="current-password"
                required
                className={inputClass}
              />
            )}
          </Field>
          {errors.form && (
            <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
              {errors.form}
            </p>
          )}
          <button
            type="submit"
            disabled={signIn.isPending}
            className={`${buttonClass("primary")} w-full py-2`}
          >
            {signIn.isPending ? t("signIn.signingIn") : t("signIn.submit")}
          </button>
        </form>
      </div>
    </main>
  );
}
