import type { SessionUser } from "@crystal-console/api";

/** Hono's per-request variables. */
export type AppEnv = {
  Variables: {
    user: SessionUser | null;
    sessionToken: string | null;
  };
};
