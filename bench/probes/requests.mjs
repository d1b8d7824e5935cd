// A preload for the console of `pnpm bench -- load`: where each state change's time goes, for measurement only
// (docs/performance.md, "Prepared statements on PostgreSQL"). Per `POST /api/agents/:id/state` request, from
// Node's `request` event to `finish`: each SQL statement (node-postgres's queries, better-sqlite3's
// statements) from the call to its result, and the PBX call (undici's diagnostics channels). Written every
// 2 s to /tmp/probe.json (the console's environment is fixed, so the path is too); read it with
// requests-summary.mjs.
//   BENCH_DIALECTS=postgres LOAD_ONLY=d LOAD_CONSOLE_FLAGS="--import $PWD/bench/probes/requests.mjs" \
//     pnpm exec tsx --conditions=@crystal-console/source bench/run.ts load
//   node bench/probes/requests-summary.mjs /tmp/probe.json
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import http from "node:http";
import dc from "node:diagnostics_channel";
import { performance } from "node:perf_hooks";

const req = createRequire(process.argv[1] ?? process.cwd() + "/x.js");
const out = "/tmp/probe.json";
const rows = [];
const sample = [];
let cur = null;
const now = () => performance.now();

function wrapQuery(proto, label) {
  const orig = proto.query;
  proto.query = function (...args) {
    const t0 = now();
    const text = typeof args[0] === "string" ? args[0] : String(args[0]?.text ?? "");
    const r = orig.apply(this, args);
    const c = cur;
    if (c && rows.length === 500) sample.push({ text, values: args[1] ?? args[0]?.values });
    if (c && r && typeof r.then === "function") {
      r.then(
        () => c.db.push([label, text.slice(0, 40), now() - t0, t0 - c.t0]),
        () => {},
      );
    }
    return r;
  };
}
try {
  const pg = req("pg");
  wrapQuery(pg.Client.prototype, "pg");
} catch {}

const SQLiteMod = (() => {
  try {
    return req("better-sqlite3");
  } catch {
    return null;
  }
})();
if (SQLiteMod) {
  const probe = new SQLiteMod(":memory:");
  const st = Object.getPrototypeOf(probe.prepare("select 1"));
  probe.close();
  for (const m of ["run", "all", "get"]) {
    const o = st[m];
    st[m] = function (...a) {
      const t0 = now();
      try {
        return o.apply(this, a);
      } finally {
        if (cur) cur.db.push(["sq", this.source.slice(0, 40), now() - t0, t0 - cur.t0]);
      }
    };
  }
}

dc.subscribe("undici:request:create", () => {
  if (cur) cur.pbx0 = now();
});
dc.subscribe("undici:client:sendHeaders", () => {
  if (cur && cur.pbx0) cur.pbxSent = now();
});
dc.subscribe("undici:request:headers", () => {
  if (cur && cur.pbx0) cur.pbxHeaders = now();
});

const origEmit = http.Server.prototype.emit;
http.Server.prototype.emit = function (ev, rq, rs) {
  if (ev === "request" && rq.method === "POST" && /\/state$/.test(rq.url ?? "")) {
    const c = { t0: now(), db: [] };
    cur = c;
    rs.once("finish", () => {
      c.t1 = now();
      rows.push(c);
      if (cur === c) cur = null;
    });
  }
  return origEmit.apply(this, arguments);
};

setInterval(() => {
  writeFileSync(out, JSON.stringify(rows.slice(-20000)));
  if (sample.length) writeFileSync(out + ".sql.json", JSON.stringify(sample, null, 1));
}, 2000).unref();
