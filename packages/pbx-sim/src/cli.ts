// Crystal PBX simulator from the command line:
//   pnpm sim -- --port 8081 --secure 4324221 [--host 127.0.0.1] [--extensions 100-699] [--state FILE]
//                [--control-token TOKEN | --no-control]
// Runs until SIGINT or SIGTERM, then closes cleanly. Bad options exit with code 2.

import { parseArgs } from "node:util";

import { parseExtensions } from "./extensions.ts";
import { MANAGEMENT_PATH, startPbxSim } from "./server.ts";
import type { ControlAccess, PbxSimOptions } from "./types.ts";

const USAGE = `Usage: tsx packages/pbx-sim/src/cli.ts [--port 8081] [--secure CODE] [--host 127.0.0.1]
                                       [--extensions 100-699] [--state FILE]
                                       [--control-token TOKEN | --no-control]
  --port           TCP port (0: any free port). Default 8081.
  --secure         the PBX's secure code. Default: random, printed.
  --host           address to listen on. Default 127.0.0.1.
  --extensions     extensions that exist, e.g. 100-699 or 100-199,500-599. Default 100-699.
  --state          JSON file the call centre is loaded from and saved to after every change (mode 0600).
  --control-token  the control API (/__sim/) answers only requests with "Authorization: Bearer TOKEN".
  --no-control     no control API at all (404). Default: open to anyone who can reach the port.`;

class UsageError extends Error {}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^[0-9]+$/.test(value) || port > 65535) {
    throw new UsageError(`Invalid --port "${value}": expected a number from 0 to 65535`);
  }
  return port;
}

function parseOptions(argv: string[]): PbxSimOptions | "help" {
  const { values } = parseArgs({
    args: argv.filter((arg) => arg !== "--"),
    options: {
      port: { type: "string", default: "8081" },
      secure: { type: "string" },
      host: { type: "string", default: "127.0.0.1" },
      extensions: { type: "string", default: "100-699" },
      state: { type: "string" },
      "control-token": { type: "string" },
      "no-control": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return "help";
  if (values.secure === "") throw new UsageError("Invalid --secure: must not be empty");
  const token = values["control-token"];
  if (token === "") throw new UsageError("Invalid --control-token: must not be empty");
  if (token !== undefined && values["no-control"]) {
    throw new UsageError("Give --control-token or --no-control, not both");
  }
  try {
    parseExtensions(values.extensions);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return {
    port: parsePort(values.port),
    host: values.host,
    extensions: values.extensions,
    ...(values.secure === undefined ? {} : { secure: values.secure }),
    ...(values.state === undefined ? {} : { stateFile: values.state }),
    control: values["no-control"] ? "off" : token === undefined ? "open" : { token },
  };
}

function exampleUrl(base: string, secure: string): string {
  const query = new URLSearchParams({
    action: "new_agent",
    agent_id: "4496",
    agent_pass: "12345678",
    agent_name: "DemoAgent",
    secure,
    agent_out_q: "2000",
  });
  return `${base}${MANAGEMENT_PATH}?${query.toString()}`;
}

function controlLine(url: string, control: ControlAccess): string {
  if (control === "off") return "Control API: off";
  const needs = control === "open" ? "" : " (with the header Authorization: Bearer <the --control-token>)";
  return `Control API: ${url}/__sim/state${needs}`;
}

async function main(): Promise<void> {
  let options: PbxSimOptions | "help";
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (options === "help") {
    console.log(USAGE);
    return;
  }
  const sim = await startPbxSim(options);
  console.log(`Crystal PBX simulator listening on ${sim.url} (secure code ${sim.secure})`);
  console.log(`Example: ${exampleUrl(sim.url, sim.secure)}`);
  console.log(controlLine(sim.url, options.control ?? "open"));
  const stop = (): void => {
    sim.close().then(
      () => console.log("Crystal PBX simulator stopped"),
      (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      },
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(`Crystal PBX simulator failed to start: ${(error as Error).message}`);
  process.exitCode = 1;
});
