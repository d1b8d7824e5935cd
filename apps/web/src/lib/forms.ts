// Form errors from either side: the client's zod check (same schemas as the server) or the server's
// `fields`, both keyed by the request's field names.
import type { z } from "zod";
import { ApiRequestError, describeError } from "./api.ts";

export type FormErrors = Record<string, string | undefined> & { form?: string; pbx?: string };

export function zodErrors(error: z.ZodError): FormErrors {
  const errors: FormErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? String(issue.path[0]) : "form";
    errors[key] ??= issue.message;
  }
  return errors;
}

/** The server's answer as form errors: field messages by field, and the rest (with the PBX's) for the form. */
export function serverErrors(error: unknown): FormErrors {
  const { title, pbx } = describeError(error);
  if (error instanceof ApiRequestError && Object.keys(error.fields).length > 0) {
    return { ...error.fields, form: error.code === "VALIDATION" ? undefined : title, pbx: pbx ?? undefined };
  }
  return { form: title, pbx: pbx ?? undefined };
}

export function formString(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}
