// Task instance routes: a run's task instances (`~` for every DAG and run, as Airflow), one with
// its tries and result, and marking one (PATCH). Clearing and marking with relatives are in
// task-instance-actions.ts.
import { toTaskInstanceResponse, toTaskInstanceTryResponse } from "@updraft/api-contract";
import { getTaskResult, listTaskInstances, listTaskInstanceTries, searchTaskInstances, setTaskInstanceState, wakeScheduler } from "@updraft/db";
import { audit } from "../audit.ts";
import { DagRunParams, errorResponses, TaskInstanceParams } from "../schemas/common.ts";
import {
  MarkTaskInstanceBody,
  TaskInstance,
  TaskInstanceCollection,
  TaskInstanceDetail,
  TaskInstanceListQuery,
} from "../schemas/task-instances.ts";
import type { ApiApp, ApiContext } from "./context.ts";
import { requireDagExists, requireDagRun, requireRun, requireTaskInstance, taskNotFound, WILDCARD } from "./lookups.ts";
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
      const page = { limit: request.query.limit, offset: request.query.offset };
      if (dagId === WILDCARD || runId === WILDCARD) {
        if (dagId !== WILDCARD) await requireDagExists(db, dagId);
        const { rows, total } = await searchTaskInstances(db, {
          dagIds: dagId === WILDCARD ? undefined : [dagId],
          runIds: runId === WILDCARD ? undefined : [runId],
          ...page,
        });
        return { task_instances: rows.map(toTaskInstanceResponse), total_entries: total };
      }
      await requireRun(db, dagId, runId);
      const { rows, total } = await listTaskInstances(db, { dagId, runId, ...page });
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
      const run = await requireRun(db, dagId, runId);
      if (request.body.dry_run === true) return toTaskInstanceResponse(await requireTaskInstance(db, dagId, runId, taskId));
      const row = await setTaskInstanceState(db, { dagId, runId, taskId }, request.body.new_state);
      if (row === undefined) throw taskNotFound(dagId, runId, taskId);
      await audit(db, request, "task_instance_marked", {
        dagId,
        runId,
        taskId,
        logicalDate: run.logicalDate,
        extra: { new_state: request.body.new_state },
      });
      // Downstream tasks and the run's own state follow from this; the scheduler decides them.
      await wakeScheduler(db, "task_instance_marked");
      return toTaskInstanceResponse(row);
    },
  );
}
