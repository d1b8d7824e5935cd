// The alerts in force, one row per alert key. Whichever instance's statement changes a row announces the
// change: an insert that found the row already there, or a delete that found none, announces nothing.
import { type Alert, alertKey } from "@crystal-console/api";
import type { Kysely } from "kysely";
import type { Database } from "./schema.ts";

type Db = Kysely<Database>;

export async function listAlerts(db: Db): Promise<Alert[]> {
  const rows = await db.selectFrom("alerts").select("alert").orderBy("key").execute();
  return rows.map((row) => JSON.parse(row.alert) as Alert);
}

/** Records an alert that started; false if it was in force already. */
export async function insertAlert(db: Db, alert: Alert): Promise<boolean> {
  const rows = await db
    .insertInto("alerts")
    .values({ key: alertKey(alert), alert: JSON.stringify(alert) })
    .onConflict((conflict) => conflict.column("key").doNothing())
    .returning("key")
    .execute();
  return rows.length > 0;
}

/** Records an alert's new numbers; false if it is not in force or already says so. */
export async function updateAlert(db: Db, alert: Alert): Promise<boolean> {
  const json = JSON.stringify(alert);
  const rows = await db
    .updateTable("alerts")
    .set({ alert: json })
    .where("key", "=", alertKey(alert))
    .where("alert", "<>", json)
    .returning("key")
    .execute();
  return rows.length > 0;
}

/** Removes an alert that ended; false if it was not in force. */
export async function deleteAlert(db: Db, key: string): Promise<boolean> {
  const rows = await db.deleteFrom("alerts").where("key", "=", key).returning("key").execute();
  return rows.length > 0;
}
