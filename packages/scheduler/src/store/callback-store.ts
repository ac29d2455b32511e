// Which DAG callbacks the runs that just ended call, with what the callback runner needs: the
// DAG's file, the run's logical date and conf, and for a failure the error it passes (which task
// instances failed, or the timeout). Runs of DAGs without the callback cost nothing.
import type { JsonValue } from "@updraft/core";
import type { RunKey, UpdraftDb } from "@updraft/db";
import { sql } from "drizzle-orm";
import type { CallbackJob } from "../callback-runner.ts";
import type { CachedDag } from "./dag-cache.ts";
import { runKey } from "./run-key.ts";

const param = (values: unknown[]) => sql.param(values);

export type EndedRun = RunKey & { state: "success" | "failed"; reason: string };

/** The DAG onSuccess / onFailure callbacks to run for these ended runs (Airflow's DagCallbackRequest). */
export async function dagCallbackJobs(
  db: Pick<UpdraftDb, "execute">,
  dags: ReadonlyMap<string, CachedDag>,
  ended: readonly EndedRun[],
  timeoutReasons: ReadonlyMap<string, string> = new Map(),
): Promise<CallbackJob[]> {
  const which = (r: EndedRun) => (r.state === "success" ? "onSuccess" : "onFailure");
  const wanted = ended.filter((r) => dags.get(r.dagId)?.serialized.callbacks?.includes(which(r)));
  if (wanted.length === 0) return [];
  const rows = await db.execute<{ dag_id: string; run_id: string; logical_date: string | Date; conf: Record<string, JsonValue> | null; failed: string | null }>(sql`
    select r.dag_id, r.run_id, r.logical_date, r.conf,
      (select string_agg(ti.task_id, ', ' order by ti.task_id) from task_instances ti
        where ti.dag_id = r.dag_id and ti.run_id = r.run_id and ti.state in ('failed', 'upstream_failed')) as failed
    from unnest(${param(wanted.map((r) => r.dagId))}::text[], ${param(wanted.map((r) => r.runId))}::text[]) as k(dag_id, run_id)
    join dag_runs r on r.dag_id = k.dag_id and r.run_id = k.run_id`);
  const byKey = new Map(rows.rows.map((r) => [runKey(r.dag_id, r.run_id), r]));
  return wanted.flatMap((run) => {
    const row = byKey.get(runKey(run.dagId, run.runId));
    if (!row) return [];
    const error =
      run.state === "success"
        ? null
        : run.reason === "timed_out"
          ? (timeoutReasons.get(runKey(run.dagId, run.runId)) ?? "the run exceeded its dagrunTimeout")
          : `the run failed (${run.reason}): task instance(s) ${row.failed ?? "none"} failed`;
    return [
      {
        fileloc: dags.get(run.dagId)!.serialized.fileloc,
        dagId: run.dagId,
        runId: run.runId,
        which: which(run),
        logicalDate: new Date(row.logical_date).toISOString(),
        conf: row.conf ?? {},
        state: run.state,
        reason: run.reason,
        error,
      },
    ];
  });
}
