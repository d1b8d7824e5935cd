// Prometheus metrics for operators: PBX calls by action and result with latency, live SSE clients and what
// writing to them costs, active sessions. Served at GET /metrics only when METRICS=true.
import type { PbxCallRecord } from "@crystal-console/crystal";
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics(instanceId: string, countSessions: () => Promise<number>) {
  const registry = new Registry();
  // Which console instance the figures are of (several on one database). Not `instance`: Prometheus sets
  // that label itself, to the scraped address.
  registry.setDefaultLabels({ console_instance: instanceId });
  const pbxCalls = new Counter({
    name: "crystal_pbx_calls_total",
    help: "PBX calls by action and result (outcome kind or failure kind).",
    labelNames: ["action", "result"] as const,
    registers: [registry],
  });
  const pbxLatency = new Histogram({
    name: "crystal_pbx_call_duration_seconds",
    help: "PBX call latency by action.",
    labelNames: ["action"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const sseClients = new Gauge({
    name: "crystal_sse_clients",
    help: "Open live event streams.",
    registers: [registry],
  });
  const sseFlushCost = new Histogram({
    name: "crystal_sse_flush_seconds",
    help: "The console's own time per flush to the live event streams (events/streams.ts), writes included.",
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [registry],
  });
  new Gauge({
    name: "crystal_active_sessions",
    help: "Sessions used within the idle timeout.",
    registers: [registry],
    async collect() {
      this.set(await countSessions());
    },
  });
  return {
    sseClients,
    onSseFlush(costMs: number) {
      sseFlushCost.observe(costMs / 1000);
    },
    onPbxCall(record: PbxCallRecord) {
      pbxCalls.inc({ action: record.action, result: record.result });
      pbxLatency.observe({ action: record.action }, record.durationMs / 1000);
    },
    contentType: registry.contentType,
    render: () => registry.metrics(),
  };
}
