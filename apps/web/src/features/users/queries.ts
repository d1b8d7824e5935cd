// Console users (admins and supervisors): keys, query options and the admin's changes.
import type {
  ConsoleUser,
  CreateUserRequest,
  UpdateUserRequest,
  UserResponse,
  UsersResponse,
} from "@crystal-console/api";
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";

export const userKeys = {
  all: ["users"] as const,
  list: () => [...userKeys.all, "list"] as const,
};

export const usersQueryOptions = () =>
  queryOptions({
    queryKey: userKeys.list(),
    queryFn: async ({ signal }) => (await api<UsersResponse>("/users", { signal })).users,
  });

export function useUsers() {
  return useQuery(usersQueryOptions());
}

const userPath = (username: string) => `/users/${encodeURIComponent(username)}`;

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
    mutationFn: (request: CreateUserRequest) =>
      api<UserResponse>("/users", { method: "POST", body: request }),
    onSuccess: ({ user }) =>
      queryClient.setQueryData<ConsoleUser[]>(userKeys.list(), (users) => upsertUser(users, user)),
  });
}

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { errorContext: "toast.userNotChanged" },
    mutationFn: ({ username, changes }: { username: string; changes: UpdateUserRequest }) =>
      api<UserResponse | undefined>(userPath(username), { method: "PATCH", body: changes }),
    onSuccess: (response, { username, changes }) => {
      queryClient.setQueryData<ConsoleUser[]>(userKeys.list(), (users) =>
        response?.user
          ? upsertUser(users, response.user)
          : users?.map((each) =>
              each.username === username
                ? {
                    ...each,
                    ...(changes.role ? { role: changes.role } : {}),
                    ...(changes.disabled === undefined ? {} : { disabled: changes.disabled }),
                  }
                : each,
            ),
      );
    },
  });
}

export function useDeleteUser() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { errorContext: "toast.userNotDeleted" },
    mutationFn: (username: string) => api<void>(userPath(username), { method: "DELETE" }),
    onSuccess: (_result, username) =>
      queryClient.setQueryData<ConsoleUser[]>(userKeys.list(), (users) =>
        users?.filter((each) => each.username !== username),
      ),
  });
}
