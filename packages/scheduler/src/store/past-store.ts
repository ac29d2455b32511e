// What `dependsOnPast` / `waitForDownstream` read from other runs: for a run, its DAG's previous
// run (by logical date) with the states of that run's task instances, turned into the tasks held
// back by decideDependsOnPast. Progress (which keeps a held task instance without state, as
// Airflow's PrevDagrunDep does) and "why waiting" both call `heldByPastRuns`, so they cannot
// disagree. Only DAGs that have such a task cost a query.
import type { TaskInstanceState } from "@updraft/core";
import type { RunKey, UpdraftDb } from "@updraft/db";
import { sql } from "drizzle-orm";
import { decideDependsOnPast } from "../decisions/depends-on-past.ts";
import type { CachedDag } from "./dag-cache.ts";
import { runKey } from "./run-key.ts";

const param = (values: unknown[]) => sql.param(values);

/** Whether any task of the DAG depends on past runs (`dependsOnPast` or `waitForDownstream`). */
export function dependsOnPastRuns(dag: CachedDag | undefined): boolean {
  return dag !== undefined && dag.serialized.tasks.some((t) => t.dependsOnPast === true || t.waitForDownstream === true);
}

interface PreviousRun {
  runId: string;
  states: Map<string, TaskInstanceState | null>;
}

/**
 * For each run ("dagId\0runId") of a DAG that depends on past runs: the tasks whose instances
 * must wait (task id -> the reason, from decideDependsOnPast). Runs of other DAGs are absent.
 * `states` are the run's own task states: only a task without state yet is examined.
 */
export async function heldByPastRuns(
  db: Pick<UpdraftDb, "execute">,
  dags: ReadonlyMap<string, CachedDag>,
  runs: ReadonlyArray<RunKey & { states: ReadonlyMap<string, { state: TaskInstanceState | null }> }>,
): Promise<Map<string, Map<string, string>>> {
  const relevant = runs.filter((r) => dependsOnPastRuns(dags.get(r.dagId)));
  const held = new Map<string, Map<string, string>>();
  if (relevant.length === 0) return held;
  const previous = await previousRuns(db, relevant);
  for (const run of relevant) {
    const dag = dags.get(run.dagId)!;
    const prev = previous.get(runKey(run.dagId, run.runId)) ?? null;
    const reasons = new Map<string, string>();
    for (const task of dag.serialized.tasks) {
      if (!task.dependsOnPast && !task.waitForDownstream) continue;
      if ((run.states.get(task.taskId)?.state ?? null) !== null) continue;
      const reason = decideDependsOnPast({
        dependsOnPast: task.dependsOnPast === true,
        waitForDownstream: task.waitForDownstream === true,
        previous:
          prev === null
            ? null
            : {
                runId: prev.runId,
                // A previous run that has not started has no task instances yet: wait for it
                // (its instance has not run); one that has them but not this task's: a new task.
                taskState: prev.states.has(task.taskId) ? prev.states.get(task.taskId)! : prev.states.size === 0 ? null : undefined,
                downstreamStates: (dag.graph.downstream.get(task.taskId) ?? []).filter((d) => prev.states.has(d)).map((d) => prev.states.get(d)!),
              },
      });
      if (reason !== null) reasons.set(task.taskId, reason);
    }
    if (reasons.size > 0) held.set(runKey(run.dagId, run.runId), reasons);
  }
  return held;
}

// The previous run of each run (latest logical date before its own, any run type, as Airflow's
// DagRun.get_previous_dagrun) with its task instance states, in one statement.
async function previousRuns(db: Pick<UpdraftDb, "execute">, runs: readonly RunKey[]): Promise<Map<string, PreviousRun>> {
  const rows = await db.execute<{ dag_id: string; run_id: string; prev_run_id: string; states: Record<string, TaskInstanceState | null> | null }>(sql`
    select r.dag_id, r.run_id, p.run_id as prev_run_id,
      (select json_object_agg(ti.task_id, ti.state) from task_instances ti where ti.dag_id = p.dag_id and ti.run_id = p.run_id) as states
    from unnest(${param(runs.map((r) => r.dagId))}::text[], ${param(runs.map((r) => r.runId))}::text[]) as k(dag_id, run_id)
    join dag_runs r on r.dag_id = k.dag_id and r.run_id = k.run_id
    cross join lateral (
      select p.dag_id, p.run_id from dag_runs p where p.dag_id = r.dag_id and p.logical_date < r.logical_date
      order by p.logical_date desc limit 1
    ) p`);
  const result = new Map<string, PreviousRun>();
  for (const row of rows.rows) {
    result.set(runKey(row.dag_id, row.run_id), { runId: row.prev_run_id, states: new Map(Object.entries(row.states ?? {})) });
  }
  return result;
}

/**
 * The next running run (by logical date) of each given run's DAG, for DAGs that depend on past
 * runs: a change in a run may release task instances of the run after it, so an event-driven
 * pass looks at that run too.
 */
export async function followingRuns(db: Pick<UpdraftDb, "execute">, dags: ReadonlyMap<string, CachedDag>, runs: readonly RunKey[]): Promise<RunKey[]> {
  const relevant = runs.filter((r) => dependsOnPastRuns(dags.get(r.dagId)));
  if (relevant.length === 0) return [];
  const rows = await db.execute<{ dag_id: string; run_id: string }>(sql`
    select distinct n.dag_id, n.run_id
    from unnest(${param(relevant.map((r) => r.dagId))}::text[], ${param(relevant.map((r) => r.runId))}::text[]) as k(dag_id, run_id)
    join dag_runs r on r.dag_id = k.dag_id and r.run_id = k.run_id
    cross join lateral (
      select n.dag_id, n.run_id from dag_runs n where n.dag_id = r.dag_id and n.logical_date > r.logical_date
      order by n.logical_date limit 1
    ) n`);
  return rows.rows.map((r) => ({ dagId: r.dag_id, runId: r.run_id }));
}
