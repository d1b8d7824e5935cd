// The one QueryClient: no retries for answers that won't change (4xx), and a toast for any failed change
// unless the screen that made it shows the error itself (`meta.toast: false`). Forms show their errors
// next to the fields and still toast a PBX refusal (`meta.toast: "pbx"`), so it is seen wherever it lands.
import { MutationCache, QueryClient } from "@tanstack/react-query";
import type { MessageKey } from "../i18n/i18n.tsx";
import { ApiRequestError } from "../lib/api.ts";
import { showErrorToast } from "../lib/toast.tsx";

declare module "@tanstack/react-query" {
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- module augmentation needs an interface
  interface Register {
    /** `toast`: false when the screen shows the error itself; "pbx" to toast only the PBX's refusals. */
    mutationMeta: { toast?: boolean | "pbx"; errorContext?: MessageKey };
  }
}

const isFinal = (error: unknown) =>
  error instanceof ApiRequestError && error.status >= 400 && error.status < 500;

export function createQueryClient(): QueryClient {
  return new QueryClient({
    mutationCache: new MutationCache({
      onError: (error, _variables, _context, mutation) => {
        const toast = mutation.meta?.toast ?? true;
        if (toast === false) return;
        if (error instanceof ApiRequestError && error.status === 401) return;
        if (toast === "pbx" && !(error instanceof ApiRequestError && error.code.startsWith("PBX_"))) return;
        showErrorToast(error, mutation.meta?.errorContext);
      },
    }),
    defaultOptions: {
      queries: {
        retry: (failureCount, error) => !isFinal(error) && failureCount < 2,
        refetchOnWindowFocus: false,
      },
      mutations: { retry: false },
    },
  });
}
