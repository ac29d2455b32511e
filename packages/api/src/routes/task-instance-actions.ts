// Airflow's bulk task instance actions on one DAG: clearTaskInstances (run again with fresh
// retries; the scheduler picks them up as for `tasks clear`) and updateTaskInstancesState (mark
// success/failed/skipped), both with upstream/downstream/past/future relatives and dry_run.
import { toClearedTaskInstanceResponse } from "@updraft/api-contract";
import { UpdraftError } from "@updraft/core";
import { clearTaskInstances, searchDagRuns, searchTaskInstances, setTaskInstanceState, wakeScheduler, type DagRow, type DagRunRow, type UpdraftDb } from "@updraft/db";
import { audit } from "../audit.ts";
import { DagIdParams, errorResponses } from "../schemas/common.ts";
import { ClearedTaskInstances, ClearTaskInstancesBody, UpdateTaskInstancesStateBody } from "../schemas/task-instances.ts";
import type { ApiApp, ApiContext } from "./context.ts";
import { requireDag, requireDagRun, taskNotFound } from "./lookups.ts";
import { withRelatedRuns, withRelatedTasks } from "./task-relatives.ts";

const TAGS = ["TaskInstance"];

function checkTasks(dag: DagRow, runId: string, taskIds: readonly string[]): void {
  const known = new Set(dag.serialized.tasks.map((t) => t.taskId));
  const unknown = taskIds.find((id) => !known.has(id));
  if (unknown !== undefined) throw taskNotFound(dag.dagId, runId, unknown);
}

/** The run named by dag_run_id, or by execution_date (Airflow accepts either). */
async function chosenRun(db: UpdraftDb, dagId: string, body: { dag_run_id?: string | undefined; execution_date?: string | undefined }): Promise<{ dag: DagRow; run: DagRunRow }> {
  if (body.dag_run_id !== undefined) return requireDagRun(db, dagId, body.dag_run_id);
  const dag = await requireDag(db, dagId);
  if (body.execution_date === undefined) {
    throw new UpdraftError("UPDRAFT_INVALID_INPUT", "body.dag_run_id or body.execution_date is required", { details: { field: "dag_run_id" } });
  }
  const at = new Date(body.execution_date);
  const [run] = (await searchDagRuns(db, { dagIds: [dagId], logicalDate: { gte: at, lte: at }, limit: 1 })).rows;
  if (run === undefined) {
    throw new UpdraftError("UPDRAFT_DAG_RUN_NOT_FOUND", `DAG "${dagId}" has no run at ${at.toISOString()}`, { details: { dagId, executionDate: body.execution_date } });
  }
  return { dag, run };
}

export function taskInstanceActionRoutes(app: ApiApp, { db }: ApiContext): void {
  app.post(
    "/api/v1/dags/:dag_id/clearTaskInstances",
    {
      config: { access: "Op" },
      schema: {
        tags: TAGS,
        summary: "Clear task instances so they run again (with upstream/downstream/past/future relatives)",
        params: DagIdParams,
        body: ClearTaskInstancesBody,
        response: { 200: ClearedTaskInstances, ...errorResponses },
      },
    },
    async (request) => {
      const dagId = request.params.dag_id;
      const body = request.body;
      const { dag, run } = await requireDagRun(db, dagId, body.dag_run_id);
      if (body.task_ids !== undefined) checkTasks(dag, run.runId, body.task_ids);
      const allTasks = body.task_ids === undefined;
      const taskIds = allTasks ? undefined : withRelatedTasks(dag.serialized, body.task_ids!, body);
      const runs = await withRelatedRuns(db, run, body);
      const cleared = [];
      for (const target of runs) {
        let ids = taskIds;
        if (body.only_running === true) {
          const running = await searchTaskInstances(db, { dagIds: [dagId], runIds: [target.runId], taskIds, states: ["running"], limit: 10_000 });
          ids = running.rows.map((r) => r.taskId);
          if (ids.length === 0) continue;
        }
        const rows = await clearTaskInstances(db, { dagId, runId: target.runId, taskIds: ids, onlyFailed: body.only_failed, dryRun: body.dry_run });
        cleared.push(...rows.map((r) => ({ ...r, dagId, logicalDate: target.logicalDate })));
      }
      if (body.dry_run !== true && cleared.length > 0) {
        await wakeScheduler(db, "task_instances_cleared");
        await audit(db, request, "clear", {
          dagId,
          runId: run.runId,
          taskId: taskIds?.length === 1 ? taskIds[0] : null,
          logicalDate: run.logicalDate,
          extra: {
            task_ids: taskIds ?? "all",
            runs: runs.map((r) => r.runId),
            cleared: cleared.length,
            ...pick(body, ["only_failed", "only_running", "include_upstream", "include_downstream", "include_past", "include_future"]),
          },
        });
      }
      return { task_instances: cleared.map(toClearedTaskInstanceResponse) };
    },
  );

  app.post(
    "/api/v1/dags/:dag_id/updateTaskInstancesState",
    {
      config: { access: "Op" },
      schema: {
        tags: TAGS,
        summary: "Mark a task instance (and relatives) success, failed or skipped; dry_run defaults to true as in Airflow",
        params: DagIdParams,
        body: UpdateTaskInstancesStateBody,
        response: { 200: ClearedTaskInstances, ...errorResponses },
      },
    },
    async (request) => {
      const dagId = request.params.dag_id;
      const body = request.body;
      const { dag, run } = await chosenRun(db, dagId, body);
      checkTasks(dag, run.runId, [body.task_id]);
      const taskIds = withRelatedTasks(dag.serialized, [body.task_id], body);
      const runs = await withRelatedRuns(db, run, body);
      const dryRun = body.dry_run ?? true;
      const changed = [];
      for (const target of runs) {
        const { rows } = await searchTaskInstances(db, { dagIds: [dagId], runIds: [target.runId], taskIds, limit: 10_000 });
        for (const ti of rows) {
          if (ti.state === body.new_state) continue;
          changed.push({ dagId, taskId: ti.taskId, runId: target.runId, logicalDate: target.logicalDate, state: ti.state });
          if (!dryRun) await setTaskInstanceState(db, { dagId, runId: target.runId, taskId: ti.taskId }, body.new_state);
        }
      }
      if (!dryRun && changed.length > 0) {
        await wakeScheduler(db, "task_instances_marked");
        await audit(db, request, "task_instances_state_updated", {
          dagId,
          runId: run.runId,
          taskId: body.task_id,
          logicalDate: run.logicalDate,
          extra: {
            new_state: body.new_state,
            changed: changed.length,
            ...pick(body, ["include_upstream", "include_downstream", "include_past", "include_future"]),
          },
        });
      }
      return { task_instances: changed.map(toClearedTaskInstanceResponse) };
    },
  );
}

function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (value[key] !== undefined) out[key] = value[key];
  return out;
}
