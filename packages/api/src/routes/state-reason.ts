// The reason a task instance ended without running, for the task instance resource: its upstream
// states and the choice of an upstream branch task, told by core's describeSettledState (the
// same words `dags test` prints).
import { describeSettledState, type SerializedDag, type TaskInstanceState } from "@updraft/core";
import { getTaskInstance, getTaskResult, type UpdraftDb } from "@updraft/db";

/** "branch `choose` followed `small_batch`" for a skipped or upstream_failed task instance; null otherwise. */
export async function settledStateReason(
  db: UpdraftDb,
  dag: SerializedDag,
  ti: { dagId: string; runId: string; taskId: string; state: TaskInstanceState | null },
): Promise<string | null> {
  if (ti.state !== "skipped" && ti.state !== "upstream_failed") return null;
  const spec = dag.tasks.find((t) => t.taskId === ti.taskId);
  if (spec === undefined) return null;
  const upstream = await Promise.all(
    spec.upstream.map(async (id) => ({ taskId: id, state: (await getTaskInstance(db, ti.dagId, ti.runId, id))?.state ?? null })),
  );
  let notFollowedBy: { branchId: string; followed: string[] } | undefined;
  for (const up of upstream) {
    const upSpec = dag.tasks.find((t) => t.taskId === up.taskId);
    if (upSpec?.kind !== "branch" || up.state !== "success") continue;
    const choice = await getTaskResult(db, ti.dagId, ti.runId, up.taskId);
    const followed = Array.isArray(choice.value) ? (choice.value as string[]) : typeof choice.value === "string" ? [choice.value] : [];
    if (!followed.includes(ti.taskId)) notFollowedBy = { branchId: up.taskId, followed };
  }
  return describeSettledState({ state: ti.state, triggerRule: spec.triggerRule, upstream, notFollowedBy });
}
