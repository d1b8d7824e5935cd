// Serves the built SPA: hashed assets cached forever, every other non-API path falls back to index.html.
// Dotfiles and source maps are never served; a missing asset is a 404.
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";
import type { AppEnv } from "./env.ts";

export function spaRoutes(distDir: string) {
  const app = new Hono<AppEnv>();
  const indexFile = join(distDir, "index.html");
  if (!existsSync(indexFile)) {
    return app.get("*", (c) =>
      c.text(
        "The dashboard is not built yet: run `pnpm start` (or `pnpm --filter @crystal-console/web build`).",
        503,
      ),
    );
  }
  const indexHtml = readFileSync(indexFile, "utf8");
  const root = relative(process.cwd(), distDir) || ".";
  app.use("*", async (c, next) => {
    const path = c.req.path;
    if (path.split("/").some((part) => part.startsWith(".")) || path.endsWith(".map")) return c.notFound();
    await next();
  });
  app.use(
    "/assets/*",
    serveStatic({
      root,
      onFound: (_path, c) => c.header("Cache-Control", "public, max-age=31536000, immutable"),
    }),
  );
  // A missing asset is a 404, not the SPA's index.html (which a browser would try to run as a script).
  app.all("/assets/*", (c) => c.notFound());
  app.use("*", serveStatic({ root, onFound: (_path, c) => c.header("Cache-Control", "no-cache") }));
  app.get("*", (c) => {
    c.header("Cache-Control", "no-cache");
    return c.html(indexHtml);
  });
  return app;
}
