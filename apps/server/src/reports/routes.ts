// Reports (admin, supervisor): GET /api/reports/agent-time and the same as CSV, and a day's timeline.
import type { ConsoleDeps } from "../deps.ts";
import { handlers } from "../http/contract.ts";
import { csvResponseHeaders } from "../import/csv.ts";
import { agentDaysCsv, agentTimeCsv, agentTimeReport } from "./agent-time.ts";
import { timelineReport } from "./timeline.ts";

export function reportRoutes(deps: ConsoleDeps) {
  const settings = { timeZone: deps.config.timeZone, retentionDays: deps.config.historyRetentionDays };
  return handlers({
    "GET /reports/agent-time": async (c, reply) =>
      reply(200, await agentTimeReport(deps.db, settings, c.req.valid("query"))),
    "GET /reports/agent-time.csv": async (c, reply) => {
      const query = c.req.valid("query");
      const report = await agentTimeReport(deps.db, settings, query);
      const perDay = query.by === "day";
      return reply.text(
        200,
        perDay ? agentDaysCsv(report) : agentTimeCsv(report),
        csvResponseHeaders(`agent-${perDay ? "days" : "time"}-${query.from}-${query.to}.csv`),
      );
    },
    "GET /reports/timeline": async (c, reply) =>
      reply(200, await timelineReport(deps.db, settings, c.req.valid("query"))),
  });
}
