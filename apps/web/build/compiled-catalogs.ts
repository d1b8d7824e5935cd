// Catalogs compiled at build time: `import("./catalogs/he.json?compiled")` is the catalog with every ICU
// message already parsed by Lingui's own compiler (@lingui/message-utils), so the browser loads no message
// parser (docs/decisions/032-catalogs-compiled-at-build.md). The module id drops ".json" so that Vite's JSON
// plugin leaves it to this one.
import { readFileSync } from "node:fs";
import { compileMessage } from "@lingui/message-utils/compileMessage";
import type { Plugin } from "vite";

const QUERY = "?compiled";
const PREFIX = "\0compiled-catalog:";

export function compiledCatalogs(): Plugin {
  return {
    name: "crystal-console:compiled-catalogs",
    enforce: "pre",
    async resolveId(source, importer) {
      if (!source.endsWith(`.json${QUERY}`)) return null;
      const resolved = await this.resolve(source.slice(0, -QUERY.length), importer, { skipSelf: true });
      return resolved ? PREFIX + resolved.id.replace(/\.json$/, "") : null;
    },
    load(id) {
      if (!id.startsWith(PREFIX)) return null;
      const file = `${id.slice(PREFIX.length)}.json`;
      this.addWatchFile(file);
      const messages = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
      const compiled = Object.fromEntries(
        Object.entries(messages).map(([key, message]) => [key, compileMessage(message)]),
      );
      return `export default ${JSON.stringify(compiled)};`;
    },
  };
}
