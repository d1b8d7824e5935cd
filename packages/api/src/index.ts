// The console's HTTP contract, shared by the server and the SPA (design.md, "The BFF's HTTP contract"):
// zod schemas and their types for every request, response, event and error, and the table of routes.
// The SPA imports types from here (free) and the schemas only lazily (see apps/web/src/lib/contract.ts).
export * from "./values.ts";
export * from "./resources.ts";
export * from "./requests.ts";
export * from "./responses.ts";
export * from "./events.ts";
export * from "./errors.ts";
export * from "./imports.ts";
export * from "./alerts.ts";
export * from "./timeline.ts";
export * from "./routes.ts";
export * from "./client.ts";
