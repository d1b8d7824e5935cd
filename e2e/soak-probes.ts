// What the soak (web-soak.ts) can look inside the page with, through Chromium's DevTools protocol, when asked:
// a heap snapshot summed by constructor (SOAK_HEAP_SNAPSHOTS=1) and a CPU profile of the changes summed by
// function (SOAK_PROFILE=1). Both are for finding a cause; the soak's recorded figures are taken without them.
import type { CDPSession } from "@playwright/test";

/** Bytes and objects of one constructor (or one kind of V8 internal, in parentheses) in a heap snapshot. */
export type HeapSummary = Map<string, { bytes: number; count: number }>;

type Snapshot = {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
};

/** Takes a heap snapshot (V8 collects garbage first) and sums its objects' own sizes by constructor. */
export async function heapByConstructor(cdp: CDPSession): Promise<HeapSummary> {
  const chunks: string[] = [];
  const onChunk = ({ chunk }: { chunk: string }) => void chunks.push(chunk);
  cdp.on("HeapProfiler.addHeapSnapshotChunk", onChunk);
  await cdp.send("HeapProfiler.enable");
  await cdp.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
  cdp.off("HeapProfiler.addHeapSnapshotChunk", onChunk);
  const { snapshot, nodes, strings } = JSON.parse(chunks.join("")) as Snapshot;
  const fields = snapshot.meta.node_fields;
  const types = snapshot.meta.node_types[0];
  const [typeAt = 0, nameAt = 0, sizeAt = 0] = ["type", "name", "self_size"].map((field) =>
    fields.indexOf(field),
  );
  const summary: HeapSummary = new Map();
  for (let at = 0; at < nodes.length; at += fields.length) {
    const type = types[nodes[at + typeAt] ?? -1] ?? "?";
    // As DevTools' Summary view groups them: objects by constructor, the rest by kind.
    const key =
      type === "object" || type === "native" ? (strings[nodes[at + nameAt] ?? -1] ?? "?") : `(${type})`;
    const entry = summary.get(key) ?? { bytes: 0, count: 0 };
    entry.bytes += nodes[at + sizeAt] ?? 0;
    entry.count += 1;
    summary.set(key, entry);
  }
  return summary;
}

/** The constructors whose bytes changed most between two snapshots, largest change first. */
export function heapGrowth(before: HeapSummary, after: HeapSummary, top = 15): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  const total = (summary: HeapSummary) => [...summary.values()].reduce((sum, each) => sum + each.bytes, 0);
  const rows = [...keys]
    .map((key) => {
      const was = before.get(key) ?? { bytes: 0, count: 0 };
      const is = after.get(key) ?? { bytes: 0, count: 0 };
      return { key, bytes: is.bytes - was.bytes, count: is.count - was.count, was: was.bytes, is: is.bytes };
    })
    .sort((a, b) => Math.abs(b.bytes) - Math.abs(a.bytes))
    .slice(0, top);
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
  return [
    `heap snapshot: ${kb(total(before))} -> ${kb(total(after))}`,
    ...rows.map(
      (row) =>
        `  ${row.key}: ${kb(row.was)} -> ${kb(row.is)} (${row.bytes >= 0 ? "+" : ""}${kb(row.bytes)}, ${row.count >= 0 ? "+" : ""}${row.count} objects)`,
    ),
  ];
}

type ProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
};
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

/** Starts the page's CPU profiler; the function it returns stops it and sums self time by function. */
export async function startCpuProfile(cdp: CDPSession): Promise<() => Promise<string[]>> {
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 500 });
  await cdp.send("Profiler.start");
  return async (top = 25) => {
    const { profile } = (await cdp.send("Profiler.stop")) as unknown as { profile: Profile };
    const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
    const self = new Map<string, number>();
    let total = 0;
    profile.samples.forEach((id, index) => {
      const frame = frames.get(id);
      const delta = (profile.timeDeltas[index] ?? 0) / 1000;
      total += delta;
      if (!frame) return;
      const file = frame.url.split("/").at(-1) ?? "";
      const key = `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + delta);
    });
    return [
      `cpu profile: ${total.toFixed(0)} ms sampled, self time by function:`,
      ...[...self]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([key, ms]) => `  ${ms.toFixed(0)} ms (${((100 * ms) / total).toFixed(1)} %) ${key}`),
    ];
  };
}
