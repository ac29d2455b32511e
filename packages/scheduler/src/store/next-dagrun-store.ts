// Writes each DAG's next_dagrun and its data interval (Airflow's DagModel fields) after the DAG
// processor parses the folder and after the scheduler creates scheduled runs, so the DAG list and
// DAG page show when the next run comes.
import { dagRuns, dags, type UpdraftDb } from "@updraft/db";
import type { SerializedDag } from "@updraft/core";
import { and, eq, inArray, max, sql } from "drizzle-orm";
import { nextDagrun } from "../decisions/next-dagrun.ts";

/** Recomputes next_dagrun for the given DAGs (all active DAGs when absent). Returns how many rows changed. */
export async function updateNextDagruns(db: UpdraftDb, dagIds?: readonly string[], now: Date = new Date()): Promise<number> {
  if (dagIds !== undefined && dagIds.length === 0) return 0;
  // Only the three fields the decision reads, not the whole serialized DAG (megabytes of JSON for
  // a DAG of 10,000 tasks, parsed on every DAG-folder parse).
  const rows = await db
    .select({
      dagId: dags.dagId,
      serialized: sql<Pick<SerializedDag, "schedule" | "startDate" | "catchup">>`jsonb_build_object('schedule', ${dags.serialized}->'schedule', 'startDate', ${dags.serialized}->'startDate', 'catchup', ${dags.serialized}->'catchup')`,
      current: dags.nextDagrunLogicalDate,
      end: dags.nextDagrunDataIntervalEnd,
    })
    .from(dags)
    .where(dagIds === undefined ? eq(dags.isActive, true) : inArray(dags.dagId, [...dagIds]));
  if (rows.length === 0) return 0;
  const last = await db
    .select({ dagId: dagRuns.dagId, last: max(dagRuns.logicalDate) })
    .from(dagRuns)
    .where(and(eq(dagRuns.runType, "scheduled"), inArray(dagRuns.dagId, rows.map((r) => r.dagId))))
    .groupBy(dagRuns.dagId);
  const lastByDag = new Map(last.map((r) => [r.dagId, r.last]));
  let changed = 0;
  for (const row of rows) {
    const next = nextDagrun({
      schedule: row.serialized.schedule,
      startDate: row.serialized.startDate,
      catchup: row.serialized.catchup,
      lastLogicalDate: lastByDag.get(row.dagId) ?? null,
      now,
    });
    const logical = next?.logicalDate ?? null;
    if (logical?.getTime() === row.current?.getTime() && (next?.dataIntervalEnd.getTime() ?? null) === (row.end?.getTime() ?? null)) continue;
    await db
      .update(dags)
      .set({
        nextDagrunLogicalDate: logical,
        nextDagrunDataIntervalStart: next?.dataIntervalStart ?? null,
        nextDagrunDataIntervalEnd: next?.dataIntervalEnd ?? null,
      })
      .where(eq(dags.dagId, row.dagId));
    changed++;
  }
  return changed;
}
