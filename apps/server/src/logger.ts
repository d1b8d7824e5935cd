// Structured logs (pino). PBX URLs are logged only through the crystal package's redact(), and these paths
// are censored wherever they appear, so no secure code or password reaches a log line.
import pino from "pino";
import type { Config } from "./config.ts";

export function createLogger(level: Config["logLevel"], destination?: pino.DestinationStream) {
  const options: pino.LoggerOptions = {
    level,
    redact: {
      paths: [
        "password",
        "*.password",
        "secure",
        "*.secure",
        "agent_pass",
        "*.agent_pass",
        "req.headers.cookie",
      ],
      censor: "***",
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
