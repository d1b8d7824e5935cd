// The one error type routes and services throw; the app's error handler turns it into the contract's shape.
import type { ApiError, ErrorCode, FieldReason } from "@crystal-console/api";
import type { ContentfulStatusCode } from "hono/utils/http-status";

type Details = Pick<ApiError["error"], "fields" | "reasons" | "rows" | "pbx">;

export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly details: Details = {},
  ) {
    super(message);
  }

  toBody(): ApiError {
    return { error: { code: this.code, message: this.message, ...this.details } };
  }
}

export const notFound = (what: string) => new HttpError(404, "NOT_FOUND", `${what} was not found.`);

export const validationError = (
  fields: Record<string, string>,
  message = "Some fields are not valid.",
  reasons?: Record<string, FieldReason>,
) => new HttpError(400, "VALIDATION", message, reasons ? { fields, reasons } : { fields });
