// Who is signed in: the session query, signing in and out.
import type { LoginRequest, Role, SessionUser } from "@crystal-console/api";
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { setTimeZone } from "../../i18n/i18n.tsx";
import { ApiRequestError, api } from "../../lib/api.ts";
import { sessionKeys } from "./keys.ts";
import { languageAtSignIn } from "./language.tsx";

async function fetchSession(): Promise<SessionUser | null> {
  try {
    const { user, timeZone } = await api("GET /session", { redirectOnUnauthenticated: false });
    setTimeZone(timeZone);
    return user;
  } catch (error) {
    if (error instanceof ApiRequestError && error.status === 401) return null;
    throw error;
  }
}

export const sessionQueryOptions = () =>
  queryOptions({
    queryKey: sessionKeys.current(),
    queryFn: fetchSession,
    staleTime: Infinity,
    retry: 1,
  });

export function useSession() {
  return useQuery(sessionQueryOptions());
}

/** The signed-in user; only for components rendered inside the signed-in layout. */
export function useCurrentUser(): SessionUser {
  const { data } = useSession();
  if (!data) throw new Error("useCurrentUser outside a signed-in page");
  return data;
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: LoginRequest) =>
      api("POST /session", { body: request, redirectOnUnauthenticated: false }),
    meta: { toast: false },
    onSuccess: ({ user, timeZone }) => {
      setTimeZone(timeZone);
      // Nothing the previous person saw stays in the cache.
      queryClient.clear();
      queryClient.setQueryData(sessionKeys.current(), languageAtSignIn(user));
    },
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      try {
        await api("DELETE /session", { redirectOnUnauthenticated: false });
      } catch (error) {
        // Already signed out is signed out.
        if (!(error instanceof ApiRequestError && error.status === 401)) throw error;
      }
    },
    onSuccess: () => {
      queryClient.clear();
      queryClient.setQueryData(sessionKeys.current(), null);
    },
  });
}

/** Where each role starts. */
export function homePath(role: Role): string {
  return role === "agent" ? "/me" : "/board";
}

/** A `next` parameter is only followed to a path on this site. */
export function safeNext(next: string | null): string | null {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/sign-in")) return null;
  return next;
}
