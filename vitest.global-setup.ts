// Before any test: the built server is current (the tests that start it as its own process run dist/).
import { buildServer } from "./scripts/build-server.ts";

export default function setup(): void {
  buildServer();
}
