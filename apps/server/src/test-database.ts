// The registry a test uses, on the dialect of its Vitest project: `server:sqlite` (a file in the test's data
// directory) or `server:postgres` (a fresh database on the run's PostgreSQL server, test/postgres.ts).
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { inject } from "vitest";
import { createDatabase } from "../test/postgres.ts";
import type { RegistryTarget } from "./registry/open.ts";

declare module "vitest" {
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- module augmentation
  export interface ProvidedContext {
    dialect: "sqlite" | "postgres";
  }
}

export const testDialect = (): "sqlite" | "postgres" => inject("dialect") ?? "sqlite";

/** A new, empty database on the run's PostgreSQL server; returns its URL. */
export async function createPostgresDatabase(): Promise<string> {
  return createDatabase(
    inject("postgresUrl"),
    `${inject("databasePrefix")}${randomBytes(6).toString("hex")}`,
  );
}

/** A fresh registry for one test console: DATABASE_URL for its environment, and the target itself. */
export async function freshRegistry(
  dataDir: string,
): Promise<{ env: { DATABASE_URL: string }; target: RegistryTarget }> {
  if (testDialect() === "postgres") {
    const url = await createPostgresDatabase();
    return { env: { DATABASE_URL: url }, target: { dialect: "postgres", url } };
  }
  const file = join(dataDir, `registry-${randomBytes(4).toString("hex")}.sqlite`);
  return { env: { DATABASE_URL: `sqlite:${file}` }, target: { dialect: "sqlite", file } };
}
