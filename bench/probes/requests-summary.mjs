// Summarises requests.mjs's file: the request, its PBX call, its statements, and what the slowest 1 % spent.
import { readFileSync } from "node:fs";
const rows = JSON.parse(readFileSync(process.argv[2] ?? "/tmp/probe.json", "utf8")).slice(-3000);
const q = (a, p) => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const f = (a) => `p50 ${q(a, 0.5).toFixed(3)} p90 ${q(a, 0.9).toFixed(3)} p99 ${q(a, 0.99).toFixed(3)}`;
const total = rows.map((r) => r.t1 - r.t0);
const pbx = rows.map((r) => (r.pbxHeaders ?? r.pbx0) - (r.pbx0 ?? 0));
const db = rows.map((r) => r.db.reduce((s, d) => s + d[2], 0));
console.log("n", rows.length);
console.log("total ", f(total));
console.log("pbx   ", f(pbx));
console.log("pbx queued", f(rows.map((r) => (r.pbxSent ?? r.pbx0 ?? 0) - (r.pbx0 ?? 0))));
console.log("db sum", f(db), "count", rows[0]?.db.length);
console.log("other ", f(rows.map((r, i) => total[i] - pbx[i] - db[i])));
const byText = new Map();
for (const r of rows)
  r.db.forEach((d, i) => {
    const k = i + " " + d[1];
    (byText.get(k) ?? byText.set(k, []).get(k)).push(d[2]);
  });
for (const [k, v] of byText) console.log(k.padEnd(48), f(v), "n", v.length);
// slowest 1%: which part
const idx = total
  .map((t, i) => [t, i])
  .sort((a, b) => b[0] - a[0])
  .slice(0, Math.ceil(rows.length / 100));
const sl = idx.map(([, i]) => i);
console.log(
  "slowest 1%: total",
  f(sl.map((i) => total[i])),
  "\n pbx",
  f(sl.map((i) => pbx[i])),
  "\n db",
  f(sl.map((i) => db[i])),
  "\n other",
  f(sl.map((i) => total[i] - pbx[i] - db[i])),
);
// in the slowest 1%: each statement's time
const slowBy = new Map();
for (const i of sl)
  rows[i].db.forEach((d, k) => {
    const key = k + " " + d[1];
    (slowBy.get(key) ?? slowBy.set(key, []).get(key)).push(d[2]);
  });
console.log("slowest 1% by statement:");
for (const [k, v] of slowBy) if (v.length > 3) console.log("  ", k.padEnd(48), f(v), "n", v.length);
// gaps: time not in db or pbx between statements
