// Form errors from either side, in the person's language: the client's zod check (the same schemas as the
// server) or the server's `fields` and `reasons`, both keyed by the request's field names.
import type { z } from "zod";
import { currentLanguage, type MessageKey } from "../i18n/i18n.tsx";
import { API_LANGUAGE, ApiRequestError, describeError, fieldMessage, reasonMessage } from "./api.ts";

/** By field; `form` for what belongs to no field, `pbxMessage` and `pbxCode` for the PBX's own answer. */
export type FormErrors = Record<string, string | undefined> & {
  form?: string;
  pbxMessage?: string;
  pbxCode?: string;
};

function pbxErrors(pbx: { code: number; message: string } | null): FormErrors {
  return pbx ? { pbxMessage: pbx.message, pbxCode: String(pbx.code) } : {};
}

/** Rules that differ by form (an agent's password is not a console user's): field name -> catalog key. */
export type FieldRules = Partial<Record<string, MessageKey>>;

/**
 * The client's check as form errors. In the API's language the contract's own sentence; in any other, the
 * catalog's: the field is required, or breaks its rule (`rule.<field>`, or the form's own in `rules`). A
 * schema of one value (not an object) reports under "form": pass its value as `input.form`.
 */
export function zodErrors(error: z.ZodError, input: Record<string, unknown> = {}, rules: FieldRules = {}) {
  const errors: FormErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? String(issue.path[0]) : "form";
    if (errors[key] !== undefined) continue;
    if (currentLanguage() === API_LANGUAGE) {
      errors[key] = issue.message;
      continue;
    }
    const missing = input[key] === undefined || input[key] === "";
    errors[key] = reasonMessage(key, missing && key !== "form" ? "required" : "invalid", rules[key]);
  }
  return errors;
}

/** The server's answer as form errors: each field's reason by field, the rest (and the PBX's) for the form. */
export function serverErrors(error: unknown): FormErrors {
  const { title, pbx } = describeError(error);
  if (error instanceof ApiRequestError && Object.keys(error.fields).length > 0) {
    const fields = Object.fromEntries(
      Object.keys(error.fields).map((field) => [field, fieldMessage(error, field)]),
    );
    return { ...fields, form: error.code === "VALIDATION" ? undefined : title, ...pbxErrors(pbx) };
  }
  return { form: title, ...pbxErrors(pbx) };
}

export function formString(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}
