// Console users (admins and supervisors): keys, query options and the admin's changes.
import type { ConsoleUser, CreateUserRequest, UpdateUserRequest } from "@crystal-console/api";
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";

export const userKeys = {
  all: ["users"] as const,
  list: () => [...userKeys.all, "list"] as const,
};

export const usersQueryOptions = () =>
  queryOptions({
    queryKey: userKeys.list(),
    queryFn: async ({ signal }) => (await api("GET /users", { signal })).users,
  });

export function useUsers() {
  return useQuery(usersQueryOptions());
}

function upsertUser(users: ConsoleUser[] | undefined, user: ConsoleUser): ConsoleUser[] | undefined {
  if (!users) return users;
  return users.some((each) => each.username === user.username)
    ? users.map((each) => (each.username === user.username ? user : each))
    : [...users, user];
}

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { toast: "pbx", errorContext: "toast.notCreated" },
    mutationFn: (request: CreateUserRequest) => api("POST /users", { body: request }),
    onSuccess: ({ user }) =>
      queryClient.setQueryData<ConsoleUser[]>(userKeys.list(), (users) => upsertUser(users, user)),
  });
}

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { errorContext: "toast.userNotChanged" },
    mutationFn: ({ username, changes }: { username: string; changes: UpdateUserRequest }) =>
      api("PATCH /users/:username", { params: { username }, body: changes }),
    onSuccess: ({ user }) =>
      queryClient.setQueryData<ConsoleUser[]>(userKeys.list(), (users) => upsertUser(users, user)),
  });
}

export function useDeleteUser() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { errorContext: "toast.userNotDeleted" },
    mutationFn: (username: string) => api("DELETE /users/:username", { params: { username } }),
    onSuccess: (_result, username) =>
      queryClient.setQueryData<ConsoleUser[]>(userKeys.list(), (users) =>
        users?.filter((each) => each.username !== username),
      ),
  });
}
