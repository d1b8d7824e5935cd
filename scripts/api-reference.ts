// `pnpm docs:api`: writes docs/api.md, the HTTP API's reference, from the OpenAPI document the contract table
// generates (apps/server/src/http/openapi.test.ts fails while it is stale).
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createOpenApiDocument } from "@crystal-console/api/openapi";
import { renderReference } from "@crystal-console/api/reference";

const path = fileURLToPath(new URL("../docs/api.md", import.meta.url));
writeFileSync(path, renderReference(createOpenApiDocument()));
console.log(`wrote ${path}`);
