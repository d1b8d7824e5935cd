// Hono's body limit with the console's 413 answer. Used for JSON bodies (app.ts) and CSV files (the
// contract table's text bodies, http/contract.ts).
import { bodyLimit } from "hono/body-limit";
import { HttpError } from "./errors.ts";

export const limitBody = (maxSize: number, what: string) =>
  bodyLimit({
    maxSize,
    onError: () => {
      throw new HttpError(
        413,
        "PAYLOAD_TOO_LARGE",
        `${what} are limited to ${Math.round(maxSize / 1024)} KB.`,
      );
    },
  });
