// `pnpm bench`: runs every bench/*.bench.ts in name order. Each prints its own figures and ratios.
// Speed and memory targets live here, not in timed tests, which flake on shared machines.
import { readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { join } from "node:path";

const here = fileURLToPath(new URL(".", import.meta.url));
const only = process.argv.slice(2).filter((arg) => arg !== "--");
const files = readdirSync(here)
  .filter((name) => name.endsWith(".bench.ts"))
  .filter((name) => only.length === 0 || only.some((word) => name.includes(word)))
  .sort();

for (const file of files) {
  console.log(`\n== ${file} ==`);
  const module = (await import(pathToFileURL(join(here, file)).href)) as { run: () => Promise<void> };
  await module.run();
}
