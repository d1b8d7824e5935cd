// The session's query keys, shared by the session queries and the language choice.
export const sessionKeys = {
  all: ["session"] as const,
  current: () => [...sessionKeys.all, "current"] as const,
};
