// Which task instances an Airflow clear or mark touches: the chosen tasks, plus their upstream
// and/or downstream tasks (transitively, from the serialized DAG), in the chosen run and, with
// include_past / include_future, in the DAG's earlier / later runs (by logical date).
import type { SerializedDag } from "@updraft/core";
import { searchDagRuns, type DagRunRow, type UpdraftDb } from "@updraft/db";

export interface RelativesOptions {
  include_upstream?: boolean | undefined;
  include_downstream?: boolean | undefined;
  include_future?: boolean | undefined;
  include_past?: boolean | undefined;
}

/** The task ids plus their transitive upstream and/or downstream tasks, sorted. */
export function withRelatedTasks(dag: SerializedDag, taskIds: readonly string[], options: RelativesOptions): string[] {
  const upstream = new Map(dag.tasks.map((t) => [t.taskId, t.upstream]));
  const downstream = new Map<string, string[]>();
  for (const task of dag.tasks) for (const up of task.upstream) downstream.set(up, [...(downstream.get(up) ?? []), task.taskId]);
  const chosen = new Set(taskIds);
  const walk = (edges: Map<string, readonly string[]>) => {
    const stack = [...taskIds];
    while (stack.length > 0) {
      for (const next of edges.get(stack.pop()!) ?? []) {
        if (!chosen.has(next)) {
          chosen.add(next);
          stack.push(next);
        }
      }
    }
  };
  if (options.include_upstream === true) walk(upstream);
  if (options.include_downstream === true) walk(downstream);
  return [...chosen].sort();
}

/** The run itself, plus the DAG's earlier and/or later runs when asked, oldest first. */
export async function withRelatedRuns(db: UpdraftDb, run: DagRunRow, options: RelativesOptions): Promise<DagRunRow[]> {
  const runs = [run];
  const others = async (range: { gte?: Date; lte?: Date }) =>
    (await searchDagRuns(db, { dagIds: [run.dagId], logicalDate: range, limit: 10_000 })).rows.filter((r) => r.runId !== run.runId);
  if (options.include_past === true) runs.push(...(await others({ lte: run.logicalDate })));
  if (options.include_future === true) runs.push(...(await others({ gte: run.logicalDate })));
  const unique = new Map(runs.map((r) => [r.runId, r]));
  return [...unique.values()].sort((a, b) => a.logicalDate.getTime() - b.logicalDate.getTime());
}
