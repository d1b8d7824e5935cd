// zValidator with the contract's error shape: 400 VALIDATION naming each bad field and the reason.
import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { FieldReason } from "@crystal-console/api";
import type { ZodType } from "zod";
import { validationError } from "./errors.ts";

type Issue = { path: readonly PropertyKey[]; message: string; code?: string };

export function fieldErrors(issues: readonly Issue[]) {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const field = issue.path.map(String).join(".") || "body";
    fields[field] ??= issue.message;
  }
  return fields;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** The reason code of each field's first issue: missing, too short or long, or against the field's rule. */
export function fieldReasons(issues: readonly Issue[], input: unknown) {
  const reasons: Record<string, FieldReason> = {};
  for (const issue of issues) {
    const field = issue.path.map(String).join(".") || "body";
    reasons[field] ??=
      issue.path.length > 0 && valueAt(input, issue.path) === undefined
        ? "required"
        : issue.code === "too_small"
          ? "too_short"
          : issue.code === "too_big"
            ? "too_long"
            : "invalid";
  }
  return reasons;
}

export const validate = <Target extends keyof ValidationTargets, Schema extends ZodType>(
  target: Target,
  schema: Schema,
) =>
  zValidator(target, schema, (result) => {
    if (!result.success) {
      const { issues } = result.error;
      throw validationError(fieldErrors(issues), undefined, fieldReasons(issues, result.data));
    }
  });
