// `pnpm start`: starts the console and prints where it is. Configuration comes from the environment.
import { DEMO_AGENT_PASSWORD } from "./demo.ts";
import { processEnv } from "./config.ts";
import { ConfigError, startConsole } from "./index.ts";

async function main() {
  const running = await startConsole(processEnv());
  const { log } = running.deps;
  const lines = [`Crystal Console is running at ${running.url}`];
  if (running.firstAdmin) {
    lines.push(
      running.firstAdmin.generated
        ? `First admin created: username "admin", password "${running.firstAdmin.password}" (shown once; set ADMIN_PASSWORD to choose it)`
        : `First admin created: username "admin" with the password from ADMIN_PASSWORD`,
    );
  }
  if (running.sim) {
    lines.push(
      `PBX: embedded simulator at ${running.sim.url} (demo agents 1001-1040, agent password "${DEMO_AGENT_PASSWORD}")`,
    );
  } else {
    lines.push(`PBX: ${new URL(running.config.pbx.mode === "remote" ? running.config.pbx.url : "").origin}`);
  }
  console.log(lines.join("\n"));
  log.info({ url: running.url, pbxMode: running.config.pbx.mode }, "started");

  const shutdown = (signal: string) => {
    log.info({ signal }, "shutting down");
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
