// Migrations, run at start on either dialect, in Kysely's portable schema builder. Kysely's Migrator takes a
// lock (PostgreSQL: an advisory lock in the migration's transaction; SQLite: the database's write lock), so
// two consoles starting at once on one fresh database migrate it once (open.test.ts starts two).
import { type ColumnDataType, type Kysely, PostgresAdapter, sql } from "kysely";
import { type Migration, type MigrationProvider, Migrator } from "kysely/migration";

/** An auto-numbered primary key: SQLite's integer rowid alias, PostgreSQL's bigserial (read back as a number). */
function autoId(db: Kysely<unknown>): { type: ColumnDataType; autoIncrement: boolean } {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? { type: "bigserial", autoIncrement: false }
    : { type: "integer", autoIncrement: true };
}

/** The audit columns that GET /api/audit filters on by equality (migrations 003 and 011). */
const AUDIT_FILTERS = ["agent_id", "queue_id", "actor", "action", "outcome"];

const migrations: Record<string, Migration> = {
  "001-initial": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("users")
        .addColumn("username", "text", (c) => c.primaryKey())
        .addColumn("role", "text", (c) => c.notNull())
        .addColumn("password_hash", "text", (c) => c.notNull())
        .addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("sessions")
        .addColumn("id_hash", "text", (c) => c.primaryKey())
        .addColumn("username", "text", (c) => c.notNull())
        .addColumn("role", "text", (c) => c.notNull())
        .addColumn("agent_id", "text")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("last_seen_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("sessions_username").on("sessions").column("username").execute();
      await db.schema
        .createTable("queues")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("agents")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("out_queue_id", "text", (c) => c.notNull())
        .addColumn("password_hash", "text")
        .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
        .addColumn("status", "text", (c) => c.notNull().defaultTo("logged_off"))
        .addColumn("extension", "text")
        .addColumn("status_since", "text", (c) => c.notNull())
        .addColumn("status_by", "text")
        .addColumn("pause_reason", "text")
        .addColumn("confirmed", "integer", (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema
        .createTable("memberships")
        .addColumn("agent_id", "text", (c) => c.notNull())
        .addColumn("queue_id", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("memberships_pk", ["agent_id", "queue_id"])
        .execute();
      await db.schema.createIndex("memberships_queue").on("memberships").column("queue_id").execute();
      const id = autoId(db);
      await db.schema
        .createTable("audit")
        .addColumn("id", id.type, (c) => (id.autoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn("at", "text", (c) => c.notNull())
        .addColumn("actor", "text", (c) => c.notNull())
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("agent_id", "text")
        .addColumn("queue_id", "text")
        .addColumn("params", "text", (c) => c.notNull())
        .addColumn("pbx_code", "integer")
        .addColumn("pbx_message", "text")
        .addColumn("outcome", "text", (c) => c.notNull())
        .addColumn("detail", "text")
        .execute();
      await db.schema.createIndex("audit_at").on("audit").column("at").execute();
      await db.schema
        .createTable("events")
        .addColumn("id", id.type, (c) => (id.autoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn("at", "text", (c) => c.notNull())
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("data", "text", (c) => c.notNull())
        .execute();
    },
  },
  "002-usernames-ignore-case": {
    async up(db: Kysely<unknown>) {
      // Before this migration `Admin` could be created beside `admin`. The first created keeps its name; a
      // later one differing only in case is renamed `<name>-2` (`-3`...), its sessions end, and the audit log
      // says so, so an admin can tell that user the new name.
      const { rows } = await sql<{ username: string }>`
        select username from users order by created_at, username`.execute(db);
      const taken = new Set(rows.map((row) => row.username.toLowerCase()));
      const kept = new Set<string>();
      for (const { username } of rows) {
        const key = username.toLowerCase();
        if (!kept.has(key)) {
          kept.add(key);
          continue;
        }
        let suffix = 2;
        let renamed: string;
        do renamed = `${username.slice(0, 29)}-${suffix++}`;
        while (taken.has(renamed.toLowerCase()));
        taken.add(renamed.toLowerCase());
        await sql`update users set username = ${renamed} where username = ${username}`.execute(db);
        await sql`delete from sessions where username = ${username}`.execute(db);
        const at = new Date().toISOString();
        const params = JSON.stringify({ from: username, to: renamed });
        await sql`insert into audit (at, actor, action, params, outcome, detail)
          values (${at}, 'system:migration', 'rename_user', ${params}, 'ok',
            'usernames ignore case: the older user kept the name')`.execute(db);
      }
      await db.schema
        .createIndex("users_username_lower")
        .on("users")
        .unique()
        .expression(sql`lower(username)`)
        .execute();
    },
  },
  "003-registry-foundation": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("instances")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("started_at", "bigint", (c) => c.notNull())
        .addColumn("heartbeat_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("fact_locks")
        .addColumn("fact", "text", (c) => c.primaryKey())
        .addColumn("holder", "text", (c) => c.notNull())
        .addColumn("token", "text", (c) => c.notNull())
        .addColumn("attempt", "text", (c) => c.notNull())
        .addColumn("acquired_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("settles")
        .addColumn("fact", "text", (c) => c.primaryKey())
        .addColumn("agent_id", "text")
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("attempt", "text")
        .addColumn("reason", "text", (c) => c.notNull())
        .addColumn("due_at", "bigint", (c) => c.notNull())
        .addColumn("claimed_by", "text")
        .addColumn("claim_expires_at", "bigint")
        .execute();
      await db.schema.createIndex("settles_agent").on("settles").column("agent_id").execute();
      await db.schema.createIndex("settles_due").on("settles").columns(["state", "due_at"]).execute();
      await db.schema
        .createTable("import_jobs")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("running_slot", "integer")
        .addColumn("instance_id", "text", (c) => c.notNull())
        .addColumn("by_user", "text", (c) => c.notNull())
        .addColumn("started_at", "text", (c) => c.notNull())
        .addColumn("finished_at", "text")
        .addColumn("cancel_requested", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("job", "text", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();
      // One running import across every instance: NULLs are distinct in a unique index on both dialects.
      await db.schema
        .createIndex("import_jobs_one_running")
        .on("import_jobs")
        .column("running_slot")
        .unique()
        .execute();
      await db.schema.createIndex("import_jobs_started").on("import_jobs").column("started_at").execute();
      // Every filter of GET /api/audit, newest first (ORDER BY id DESC) within its value.
      for (const column of AUDIT_FILTERS) {
        await db.schema.createIndex(`audit_${column}_id`).on("audit").columns([column, "id"]).execute();
      }
      await db.schema.dropIndex("audit_at").execute();
      await db.schema.createIndex("audit_at_id").on("audit").columns(["at", "id"]).execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of ["import_jobs", "settles", "fact_locks", "instances"]) {
        await db.schema.dropTable(table).execute();
      }
      for (const column of AUDIT_FILTERS) {
        await db.schema.dropIndex(`audit_${column}_id`).execute();
      }
      await db.schema.dropIndex("audit_at_id").execute();
      await db.schema.createIndex("audit_at").on("audit").column("at").execute();
    },
  },
  "004-language": {
    // Each person's language (issue 13): chosen in the SPA, kept here so it follows them to any browser.
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable("users").addColumn("language", "text").execute();
      await db.schema.alterTable("agents").addColumn("language", "text").execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable("users").dropColumn("language").execute();
      await db.schema.alterTable("agents").dropColumn("language").execute();
    },
  },
  "005-state-history": {
    // Every state interval of every agent (issue 12), written by the one commit (commit.ts); times are
    // epoch milliseconds so that reports add them up in SQL. Each agent's latest row is its open interval.
    async up(db: Kysely<unknown>) {
      const id = autoId(db);
      await db.schema
        .createTable("state_history")
        .addColumn("id", id.type, (c) => (id.autoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn("agent_id", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("extension", "text")
        .addColumn("reason", "text")
        .addColumn("started_at", "bigint", (c) => c.notNull())
        .addColumn("ended_at", "bigint")
        .addColumn("confirmed", "integer", (c) => c.notNull())
        .addColumn("by_actor", "text")
        .addColumn("cause", "text", (c) => c.notNull())
        .addColumn("start_late", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("end_late", "integer", (c) => c.notNull().defaultTo(0))
        // 1 when the status, extension or reason changed (0: only the confirmation did), and the status
        // before: what reports count pauses, logins and logoffs by.
        .addColumn("starts_state", "integer", (c) => c.notNull().defaultTo(1))
        .addColumn("prev_status", "text")
        .execute();
      await db.schema
        .createIndex("state_history_agent")
        .on("state_history")
        .columns(["agent_id", "id"])
        .execute();
      await db.schema.createIndex("state_history_started").on("state_history").column("started_at").execute();
      // The agents the registry already has start with their current state, since the time it began.
      const { rows } = await sql<{
        id: string;
        status: string;
        extension: string | null;
        reason: string | null;
        since: string;
        confirmed: number;
        actor: string | null;
      }>`
        select id, status, extension, pause_reason as reason, status_since as since, confirmed, status_by as actor
        from agents where active = 1`.execute(db);
      for (const agent of rows) {
        const startedAt = Date.parse(agent.since) || Date.now();
        await sql`insert into state_history (agent_id, status, extension, reason, started_at, confirmed, by_actor, cause)
          values (${agent.id}, ${agent.status}, ${agent.extension}, ${agent.reason}, ${startedAt},
            ${agent.confirmed}, ${agent.actor}, 'person')`.execute(db);
      }
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable("state_history").execute();
    },
  },
  "006-policy-and-viewer": {
    // Issue 12: the admins' alert rules, and the alerts in force (one row per alert, so that of several
    // instances only the one whose insert or delete changed the row announces it). The viewer role is a
    // new value of users.role (text): no column changes.
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("pause_limits")
        .addColumn("reason", "text", (c) => c.primaryKey())
        .addColumn("seconds", "integer", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("queue_minimums")
        .addColumn("queue_id", "text", (c) => c.primaryKey())
        .addColumn("minimum", "integer", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("alerts")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("alert", "text", (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of ["alerts", "queue_minimums", "pause_limits"]) {
        await db.schema.dropTable(table).execute();
      }
    },
  },
  "007-sign-in-limits": {
    // The sign-in limiter's counters shared by every console on one PostgreSQL database, in the table and shape
    // rate-limiter-flexible's RateLimiterPostgres reads and writes (registry/limits.ts; decision 011). SQLite
    // is one process: its counters stay in memory.
    async up(db: Kysely<unknown>) {
      if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
      await db.schema
        .createTable("sign_in_limits")
        .addColumn("key", "varchar(255)", (c) => c.primaryKey())
        .addColumn("points", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("expire", "bigint")
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable("sign_in_limits").ifExists().execute();
    },
  },
  "008-report-rollups": {
    // Daily rollups of the state history (decision 027; registry/rollups.ts): per agent, per day of the
    // call centre's time zone, per status, reason and confirmation, the closed intervals that lie within
    // that day, added up; the closed intervals that cross a midnight are copied whole into
    // state_history_spans. The zone they were cut in is kept beside them ('' until they are built, at start).
    async up(db: Kysely<unknown>) {
      const id = autoId(db);
      await db.schema
        .createTable("state_rollups")
        .addColumn("id", id.type, (c) => (id.autoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn("day", "text", (c) => c.notNull())
        .addColumn("agent_id", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        // '' for no reason: a key column cannot be null on PostgreSQL.
        .addColumn("reason", "text", (c) => c.notNull())
        .addColumn("confirmed", "integer", (c) => c.notNull())
        .addColumn("ms", "bigint", (c) => c.notNull())
        .addColumn("starts", "bigint", (c) => c.notNull())
        .addColumn("longest", "bigint", (c) => c.notNull())
        .addColumn("first_in", "bigint")
        .addColumn("last_off", "bigint")
        .execute();
      await db.schema
        .createIndex("state_rollups_key")
        .on("state_rollups")
        .columns(["day", "agent_id", "status", "reason", "confirmed"])
        .unique()
        .execute();
      await db.schema
        .createTable("state_history_spans")
        .addColumn("id", "bigint", (c) => c.primaryKey())
        .addColumn("agent_id", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("reason", "text")
        .addColumn("confirmed", "integer", (c) => c.notNull())
        .addColumn("started_at", "bigint", (c) => c.notNull())
        .addColumn("ended_at", "bigint", (c) => c.notNull())
        .addColumn("starts_state", "integer", (c) => c.notNull())
        .addColumn("prev_status", "text")
        .execute();
      await db.schema
        .createIndex("state_history_spans_ended")
        .on("state_history_spans")
        .column("ended_at")
        .execute();
      await db.schema.createTable("state_rollup_zone").addColumn("time_zone", "text").execute();
      await sql`insert into state_rollup_zone (time_zone) values ('')`.execute(db);
      // Each agent's open interval, found without reading its closed ones (reports add them up apart).
      await db.schema
        .createIndex("state_history_open")
        .on("state_history")
        .column("agent_id")
        .where(sql.ref("ended_at"), "is", null)
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex("state_history_open").execute();
      for (const table of ["state_rollup_zone", "state_history_spans", "state_rollups"]) {
        await db.schema.dropTable(table).execute();
      }
    },
  },
  "009-report-months": {
    // Rollups a long report reads instead of the daily ones (decision 033; registry/rollup-months.ts): per
    // agent, per calendar month of the rollups' zone, per status, reason and confirmation, what the daily
    // rollups hold for the month's days plus the spans that lie within the month; and per agent and day,
    // the day's five totals (the spans' parts in it included). `kept_from` is the first day the pruner kept.
    async up(db: Kysely<unknown>) {
      const id = autoId(db);
      await db.schema
        .createTable("state_rollup_months")
        .addColumn("id", id.type, (c) => (id.autoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn("month", "text", (c) => c.notNull())
        .addColumn("agent_id", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("reason", "text", (c) => c.notNull())
        .addColumn("confirmed", "integer", (c) => c.notNull())
        .addColumn("ms", "bigint", (c) => c.notNull())
        .addColumn("starts", "bigint", (c) => c.notNull())
        .addColumn("longest", "bigint", (c) => c.notNull())
        .addColumn("first_in", "bigint")
        .addColumn("last_off", "bigint")
        .execute();
      await db.schema
        .createIndex("state_rollup_months_key")
        .on("state_rollup_months")
        .columns(["month", "agent_id", "status", "reason", "confirmed"])
        .unique()
        .execute();
      await db.schema
        .createTable("state_rollup_agent_days")
        .addColumn("id", id.type, (c) => (id.autoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn("day", "text", (c) => c.notNull())
        .addColumn("agent_id", "text", (c) => c.notNull())
        .addColumn("logged_in", "bigint", (c) => c.notNull())
        .addColumn("online", "bigint", (c) => c.notNull())
        .addColumn("paused", "bigint", (c) => c.notNull())
        .addColumn("mission", "bigint", (c) => c.notNull())
        .addColumn("unconfirmed", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("state_rollup_agent_days_key")
        .on("state_rollup_agent_days")
        .columns(["day", "agent_id"])
        .unique()
        .execute();
      await db.schema
        .alterTable("state_rollup_zone")
        .addColumn("kept_from", "text", (c) => c.notNull().defaultTo(""))
        .execute();
      // Built at the next start, with the rest (rollups.ts: ensureRollups).
      await sql`update state_rollup_zone set time_zone = ''`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable("state_rollup_zone").dropColumn("kept_from").execute();
      for (const table of ["state_rollup_agent_days", "state_rollup_months"]) {
        await db.schema.dropTable(table).execute();
      }
    },
  },
  "011-audit-filters": {
    // Two or more audit filters at once (decision 036): each filter's index carries the other filters'
    // columns after (value, id), so the scan of the most selective value, newest first, tests the others
    // in the index and reads only the rows that match (before, a value with no row matching the others was
    // read row by row from the table: 44 ms on SQLite and 176 ms on PostgreSQL at 1,000,000 rows).
    async up(db: Kysely<unknown>) {
      for (const column of AUDIT_FILTERS) {
        await db.schema.dropIndex(`audit_${column}_id`).execute();
        await db.schema
          .createIndex(`audit_${column}_filters`)
          .on("audit")
          .columns([column, "id", ...AUDIT_FILTERS.filter((other) => other !== column)])
          .execute();
      }
    },
    async down(db: Kysely<unknown>) {
      for (const column of AUDIT_FILTERS) {
        await db.schema.dropIndex(`audit_${column}_filters`).execute();
        await db.schema.createIndex(`audit_${column}_id`).on("audit").columns([column, "id"]).execute();
      }
    },
  },
};

/** Every migration's name, in the order they run. */
export const migrationNames = Object.keys(migrations);

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

/** Undoes every migration after `name` (for tests that rebuild the registry as an older version left it). */
export async function migrateDownTo(db: Kysely<unknown>, name: string): Promise<void> {
  const { error } = await new Migrator({ db, provider }).migrateTo(name);
  if (error) throw error instanceof Error ? error : new Error("the migration down failed");
}

export async function migrate(db: Kysely<unknown>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((result) => result.status === "Error");
  if (error || failed) {
    throw new Error(`Registry migration ${failed?.migrationName ?? ""} failed: ${String(error)}`);
  }
  await sql`select 1`.execute(db);
}
