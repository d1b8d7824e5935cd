import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defaultClientConditions, defineConfig } from "vite";
import { compiledCatalogs } from "./build/compiled-catalogs.ts";

// The console server serves dist/ under a strict CSP (no inline scripts or styles), so the build emits
// only external module scripts and stylesheets, and no source maps. Workspace packages (packages/api) are
// bundled from their TypeScript source (the "@crystal-console/source" export condition).
export default defineConfig({
  plugins: [react(), tailwindcss(), compiledCatalogs()],
  resolve: { conditions: ["@crystal-console/source", ...defaultClientConditions] },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    target: "es2022",
  },
  server: {
    proxy: {
      "/api": { target: "http://127.0.0.1:8080", changeOrigin: false },
    },
  },
});
