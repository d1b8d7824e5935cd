// The two state commands that need a word from the person: the extension to log in at, and the reason for
// a pause. One pair of dialogs per page, opened for whichever agent's button was pressed.
import type { Agent, AgentStateAction } from "@crystal-console/api";
import { useCallback, useEffect, useState, type ReactNode } from "react";
import { T, useT } from "../../i18n/i18n.tsx";
import { ApiRequestError, describeError, fieldMessage } from "../../lib/api.ts";
import { zodErrors } from "../../lib/forms.ts";
import { PbxAnswer } from "../../lib/PbxAnswer.tsx";
import { loadSchemas } from "../../lib/contract.ts";
import { Dialog, Field, buttonClass, inputClass, numberInput } from "../../lib/ui.tsx";
import { useChangeAgentState } from "./mutations.ts";
import { PauseReason } from "./state.tsx";
import { usePauseReasons } from "./queries.ts";

const LAST_EXTENSION = "crystal-console:last-extension";

export function rememberedExtension(): string {
  try {
    return window.localStorage.getItem(LAST_EXTENSION) ?? "";
  } catch {
    return "";
  }
}

export function rememberExtension(extension: string): void {
  try {
    window.localStorage.setItem(LAST_EXTENSION, extension);
  } catch {
    // Private mode: nothing to remember.
  }
}

type Pending = { kind: "login" | "pause"; agent: Agent } | null;

/**
 * State commands for a page: `command(agent, action)` sends Online, Mission and Log off at once, and opens a
 * dialog for Log in and Pause. Render `dialogs` once on the page.
 */
export function useStateCommands({ by, rememberLogin = false }: { by: string; rememberLogin?: boolean }): {
  command: (agent: Agent, action: AgentStateAction) => void;
  dialogs: ReactNode;
} {
  const change = useChangeAgentState({ by });
  const [pending, setPending] = useState<Pending>(null);
  const { mutate } = change;
  const command = useCallback(
    (agent: Agent, action: AgentStateAction) => {
      if (action === "login" || action === "pause") {
        setPending({ kind: action, agent });
        return;
      }
      mutate({ agentId: agent.id, request: { action } });
    },
    [mutate],
  );
  const close = useCallback(() => setPending(null), []);
  const dialogs = (
    <>
      <LoginDialog
        agent={pending?.kind === "login" ? pending.agent : null}
        by={by}
        remember={rememberLogin}
        onClose={close}
      />
      <PauseDialog
        agent={pending?.kind === "pause" ? pending.agent : null}
        onPause={(agent, reason) => {
          mutate({ agentId: agent.id, request: reason ? { action: "pause", reason } : { action: "pause" } });
          close();
        }}
        onClose={close}
      />
    </>
  );
  return { command, dialogs };
}

function LoginDialog({
  agent,
  by,
  remember,
  onClose,
}: {
  agent: Agent | null;
  by: string;
  remember: boolean;
  onClose: () => void;
}) {
  const t = useT();
  return (
    <Dialog
      open={agent !== null}
      onClose={onClose}
      title={agent ? <T k="login.title" values={{ name: <bdi>{agent.name}</bdi> }} /> : t("action.login")}
    >
      {agent && <LoginForm agent={agent} by={by} remember={remember} onDone={onClose} />}
    </Dialog>
  );
}

export function LoginForm({
  agent,
  by,
  remember,
  onDone,
  large = false,
}: {
  agent: Agent;
  by: string;
  remember: boolean;
  onDone?: () => void;
  large?: boolean;
}) {
  // Errors show here, next to the extension, rather than in a toast.
  const change = useChangeAgentState({ by, toast: false });
  const [extension, setExtension] = useState(
    () => agent.extension ?? (remember ? rememberedExtension() : ""),
  );
  const [error, setError] = useState<string | undefined>();
  const [pbx, setPbx] = useState<{ code: number; message: string } | null>(null);
  const t = useT();
  // Fetch the validation rules while the person types, so submitting does not wait for them.
  useEffect(() => {
    void loadSchemas();
  }, []);

  async function submit() {
    const { extensionSchema } = await loadSchemas();
    const parsed = extensionSchema.safeParse(extension.trim());
    if (!parsed.success) {
      setError(zodErrors(parsed.error, { form: extension.trim() }, { form: "rule.extension" }).form);
      return;
    }
    setError(undefined);
    setPbx(null);
    change.mutate(
      { agentId: agent.id, request: { action: "login", extension: parsed.data } },
      {
        onSuccess: () => {
          if (remember) rememberExtension(parsed.data);
          onDone?.();
        },
        onError: (failure) => {
          const described = describeError(failure);
          setError(
            failure instanceof ApiRequestError && failure.fields.extension
              ? fieldMessage(failure, "extension")
              : described.title,
          );
          setPbx(described.pbx);
        },
      },
    );
  }

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
      noValidate
      className={large ? "space-y-3" : "space-y-4"}
    >
      <Field
        label={t("login.extension")}
        error={error}
        hint={
          pbx ? (
            <span className="text-red-800">
              <PbxAnswer pbx={pbx} />
            </span>
          ) : (
            t("login.extensionHint")
          )
        }
      >
        {(props) => (
          <input
            {...props}
            name="extension"
            {...numberInput}
            value={extension}
            onChange={(event) => setExtension(event.target.value)}
            className={`${inputClass} ${large ? "py-3 text-lg" : ""}`}
          />
        )}
      </Field>
      <div className={large ? "" : "flex justify-end gap-2"}>
        {!large && onDone && (
          <button type="button" className={buttonClass("secondary")} onClick={onDone}>
            {t("common.cancel")}
          </button>
        )}
        <button
          type="submit"
          disabled={change.isPending}
          className={large ? `${buttonClass("primary", "lg")} w-full rounded-xl` : buttonClass("primary")}
        >
          {t("action.login")}
        </button>
      </div>
    </form>
  );
}

function PauseDialog({
  agent,
  onPause,
  onClose,
}: {
  agent: Agent | null;
  onPause: (agent: Agent, reason: string | undefined) => void;
  onClose: () => void;
}) {
  const t = useT();
  return (
    <Dialog
      open={agent !== null}
      onClose={onClose}
      title={agent ? <T k="pause.title" values={{ name: <bdi>{agent.name}</bdi> }} /> : t("action.pause")}
    >
      {agent && <PauseForm onPause={(reason) => onPause(agent, reason)} onCancel={onClose} />}
    </Dialog>
  );
}

export function PauseForm({
  onPause,
  onCancel,
}: {
  onPause: (reason: string | undefined) => void;
  onCancel: () => void;
}) {
  const reasons = usePauseReasons();
  const t = useT();
  const [reason, setReason] = useState<string | null>(null);
  const options = reasons.data ?? [];
  const chosen = reason ?? options[0] ?? "";
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        onPause(chosen || undefined);
      }}
      className="space-y-4"
    >
      <fieldset>
        <legend className="mb-2 text-sm font-medium text-slate-800">{t("pause.reason")}</legend>
        {reasons.isPending && <p className="text-sm text-slate-600">{t("pause.loadingReasons")}</p>}
        {reasons.isError && (
          <p className="text-sm text-red-700">
            <T k="pause.reasonsFailed" values={{ error: describeError(reasons.error).title }} />
          </p>
        )}
        <div className="grid gap-2 sm:grid-cols-2">
          {options.map((option) => (
            <label
              key={option}
              className="flex cursor-pointer items-center gap-2 rounded-lg border border-slate-200 px-3 py-2 text-sm has-checked:border-amber-500 has-checked:bg-amber-50"
            >
              <input
                type="radio"
                name="reason"
                value={option}
                checked={chosen === option}
                onChange={() => setReason(option)}
                className="accent-amber-600"
              />
              <PauseReason reason={option} />
            </label>
          ))}
        </div>
      </fieldset>
      <div className="flex justify-end gap-2">
        <button type="button" className={buttonClass("secondary")} onClick={onCancel}>
          {t("common.cancel")}
        </button>
        <button type="submit" className={buttonClass("primary")} disabled={reasons.isPending}>
          {t("action.pause")}
        </button>
      </div>
    </form>
  );
}
