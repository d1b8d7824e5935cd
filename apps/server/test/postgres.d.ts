import type { TestProject } from "vitest/node";
declare module "vitest" {
    interface ProvidedContext {
        /** A server URL whose role may create databases (its own database is never used by tests). */
        postgresUrl: string;
    }
}
export declare function startTestPostgres(): Promise<{
    url: string;
    stop: () => Promise<void>;
}>;
export default function setup(project: TestProject): Promise<() => Promise<void>>;
/** Creates an empty database on the server at `serverUrl`; returns its URL. */
export declare function createDatabase(serverUrl: string, name: string): Promise<string>;
//# sourceMappingURL=postgres.d.ts.map