// Task instance routes: a run's task instances, one with its tries and result, and the two user
// actions: mark (set success/failed) and clear (run again with fresh retries).
import { toClearedTaskInstanceResponse, toTaskInstanceResponse, toTaskInstanceTryResponse } from "@updraft/api-contract";
import {
  clearTaskInstances,
  getTaskResult,
  listTaskInstances,
  listTaskInstanceTries,
  setTaskInstanceState,
  wakeScheduler,
} from "@updraft/db";
import { DagIdParams, DagRunParams, errorResponses, TaskInstanceParams } from "../schemas/common.ts";
import {
  ClearedTaskInstances,
  ClearTaskInstancesBody,
  MarkTaskInstanceBody,
  TaskInstance,
  TaskInstanceCollection,
  TaskInstanceDetail,
  TaskInstanceListQuery,
} from "../schemas/task-instances.ts";
import type { ApiApp, ApiContext } from "./context.ts";
import { requireDagRun, requireTaskInstance, taskNotFound } from "./lookups.ts";
import { settledStateReason } from "./state-reason.ts";

const TAGS = ["TaskInstance"];

export function taskInstanceRoutes(app: ApiApp, { db }: ApiContext): void {
  app.get(
    "/api/v1/dags/:dag_id/dagRuns/:dag_run_id/taskInstances",
    {
      schema: {
        tags: TAGS,
        summary: "List a run's task instances",
        params: DagRunParams,
        querystring: TaskInstanceListQuery,
        response: { 200: TaskInstanceCollection, ...errorResponses },
      },
    },
    async (request) => {
      const { dag_id: dagId, dag_run_id: runId } = request.params;
      await requireDagRun(db, dagId, runId);
      const { rows, total } = await listTaskInstances(db, { dagId, runId, limit: request.query.limit, offset: request.query.offset });
      return { task_instances: rows.map(toTaskInstanceResponse), total_entries: total };
    },
  );

  app.get(
    "/api/v1/dags/:dag_id/dagRuns/:dag_run_id/taskInstances/:task_id",
    {
      schema: {
        tags: TAGS,
        summary: "Get a task instance with its finished tries and its result",
        params: TaskInstanceParams,
        response: { 200: TaskInstanceDetail, ...errorResponses },
      },
    },
    async (request) => {
      const { dag_id: dagId, dag_run_id: runId, task_id: taskId } = request.params;
      const { dag } = await requireDagRun(db, dagId, runId);
      const ti = await requireTaskInstance(db, dagId, runId, taskId);
      const [tries, result, stateReason] = await Promise.all([
        listTaskInstanceTries(db, dagId, runId, taskId),
        getTaskResult(db, dagId, runId, taskId),
        settledStateReason(db, dag.serialized, ti),
      ]);
      return {
        ...toTaskInstanceResponse(ti),
        tries: tries.map(toTaskInstanceTryResponse),
        result: result.value ?? null,
        state_reason: stateReason,
      };
    },
  );

  app.patch(
    "/api/v1/dags/:dag_id/dagRuns/:dag_run_id/taskInstances/:task_id",
    {
      config: { access: "Op" },
      schema: {
        tags: TAGS,
        summary: "Mark a task instance success or failed",
        params: TaskInstanceParams,
        body: MarkTaskInstanceBody,
        response: { 200: TaskInstance, ...errorResponses },
      },
    },
    async (request) => {
      const { dag_id: dagId, dag_run_id: runId, task_id: taskId } = request.params;
      await requireDagRun(db, dagId, runId);
      const row = await setTaskInstanceState(db, { dagId, runId, taskId }, request.body.new_state);
      if (row === undefined) throw taskNotFound(dagId, runId, taskId);
      // Downstream tasks and the run's own state follow from this; the scheduler decides them.
      await wakeScheduler(db, "task_instance_marked");
      return toTaskInstanceResponse(row);
    },
  );

  app.post(
    "/api/v1/dags/:dag_id/clearTaskInstances",
    {
      config: { access: "Op" },
      schema: {
        tags: TAGS,
        summary: "Clear task instances of a run so they run again",
        params: DagIdParams,
        body: ClearTaskInstancesBody,
        response: { 200: ClearedTaskInstances, ...errorResponses },
      },
    },
    async (request) => {
      const dagId = request.params.dag_id;
      const body = request.body;
      const { dag } = await requireDagRun(db, dagId, body.dag_run_id);
      const known = new Set(dag.serialized.tasks.map((t) => t.taskId));
      const unknown = body.task_ids?.find((id) => !known.has(id));
      if (unknown !== undefined) throw taskNotFound(dagId, body.dag_run_id, unknown);
      const cleared = await clearTaskInstances(db, {
        dagId,
        runId: body.dag_run_id,
        taskIds: body.task_ids,
        onlyFailed: body.only_failed,
        dryRun: body.dry_run,
      });
      if (body.dry_run !== true && cleared.length > 0) await wakeScheduler(db, "task_instances_cleared");
      return { task_instances: cleared.map(toClearedTaskInstanceResponse) };
    },
  );
}
