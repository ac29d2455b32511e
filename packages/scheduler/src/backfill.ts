// Backfill: queued runs (run type "backfill") for every schedule interval of a DAG whose logical
// date lies in [start, end]. The scheduler then runs them under the DAG's max active runs, as
// Airflow 3 does; runs that already exist are left alone.
import { UpdraftError } from "@updraft/core";
import { dagRuns, getDag, type DagRunRow, type UpdraftDb } from "@updraft/db";
import { planBackfillRuns } from "./decisions/plan-scheduled-runs.ts";
import { plannedRunRows } from "./store/run-store.ts";

/** Most runs one backfill may create, so a typo in a date cannot flood the database. */
const MAX_BACKFILL_RUNS = 10_000;

export async function createBackfillRuns(db: UpdraftDb, dagId: string, start: Date, end: Date, now: Date = new Date()): Promise<DagRunRow[]> {
  const dag = await getDag(db, dagId);
  if (!dag) throw new UpdraftError("UPDRAFT_DAG_NOT_FOUND", `DAG "${dagId}" does not exist`, { details: { dagId } });
  if (!dag.schedule) {
    throw new UpdraftError("UPDRAFT_INVALID_INPUT", `DAG "${dagId}" has no schedule, so it has no intervals to backfill; trigger it instead`);
  }
  if (!(start <= end)) throw new UpdraftError("UPDRAFT_INVALID_INPUT", `backfill start ${start.toISOString()} is after its end ${end.toISOString()}`);
  const plans = planBackfillRuns(dag.schedule, start, end, MAX_BACKFILL_RUNS + 1);
  if (plans.length > MAX_BACKFILL_RUNS) {
    throw new UpdraftError("UPDRAFT_INVALID_INPUT", `the backfill would create more than ${MAX_BACKFILL_RUNS} runs; narrow the dates`);
  }
  if (plans.length === 0) return [];
  return db
    .insert(dagRuns)
    .values(plannedRunRows(dagId, "backfill", plans, now))
    .onConflictDoNothing()
    .returning();
}
