import { useState } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { ApiRequestError } from "../../lib/api.ts";
import { loadSchemas } from "../../lib/contract.ts";
import { formString } from "../../lib/forms.ts";
import { Field, buttonClass, inputClass } from "../../lib/ui.tsx";
import { homePath, safeNext, useSession, useSignIn } from "./queries.ts";

export function SignInPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const session = useSession();
  const signIn = useSignIn();
  const navigate = useNavigate();
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
        if (issue.path[0] === "username") fieldErrors.username = "Enter your username or agent id.";
        if (issue.path[0] === "password") fieldErrors.password = "Enter your password.";
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
          setErrors({ form: "Wrong username, agent id or password." });
        } else {
          setErrors({ ...(error instanceof ApiRequestError ? error.fields : {}), form: error.message });
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
            <h1 className="text-xl font-semibold text-slate-900">Crystal Console</h1>
            <p className="text-sm text-slate-600">Sign in to the call centre</p>
          </div>
        </div>
        {next && !errors.form && (
          <p className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
            Sign in to continue where you were.
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
          <Field label="Username or agent id" error={errors.username}>
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
          <Field label="Password" error={errors.password}>
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
            {signIn.isPending ? "Signing in…" : "Sign in"}
          </button>
        </form>
      </div>
    </main>
  );
}
