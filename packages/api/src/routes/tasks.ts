// Airflow's task endpoints: a DAG's tasks (`GET /dags/{id}/tasks`) and one task, from the
// serialized DAG. Updraft tasks are TypeScript functions or bash commands; `class_ref` names
// Updraft's kind of task where Airflow names the operator class.
import { UpdraftError, type SerializedDag, type SerializedTask } from "@updraft/core";
import { errorResponses, DagIdParams } from "../schemas/common.ts";
import { Task, TaskCollection, TaskListQuery, TaskParams } from "../schemas/airflow-reads.ts";
import type { ApiApp, ApiContext } from "./context.ts";
import { requireDag } from "./lookups.ts";
import { parseOrderBy } from "./order-by.ts";

function timeDelta(ms: number) {
  const totalSeconds = Math.floor(ms / 1000);
  return { __type: "TimeDelta" as const, days: Math.floor(totalSeconds / 86_400), seconds: totalSeconds % 86_400, microseconds: (ms % 1000) * 1000 };
}

/** A serialized task in Airflow's Task shape. */
export function toTaskResponse(dag: SerializedDag, task: SerializedTask) {
  const downstream = dag.tasks.filter((t) => t.upstream.includes(task.taskId)).map((t) => t.taskId).sort();
  return {
    task_id: task.taskId,
    task_display_name: task.taskId,
    class_ref: { class_name: task.kind, module_path: "@updraft/sdk" },
    owner: "updraft",
    start_date: dag.startDate,
    end_date: null,
    trigger_rule: task.triggerRule,
    extra_links: [],
    depends_on_past: false,
    is_mapped: false,
    wait_for_downstream: false,
    retries: task.retries,
    queue: task.queue,
    pool: task.pool,
    pool_slots: task.poolSlots,
    ...(task.executionTimeoutMs === null ? {} : { execution_timeout: timeDelta(task.executionTimeoutMs) }),
    retry_delay: timeDelta(task.retryDelayMs),
    retry_exponential_backoff: task.retryExponentialBackoff,
    priority_weight: task.priorityWeight,
    weight_rule: "absolute" as const,
    ui_color: "#fff",
    ui_fgcolor: "#000",
    template_fields: [],
    downstream_task_ids: downstream,
    doc_md: task.doc,
  };
}

export function taskRoutes(app: ApiApp, { db }: ApiContext): void {
  app.get(
    "/api/v1/dags/:dag_id/tasks",
    { schema: { tags: ["DAG"], summary: "List a DAG's tasks", params: DagIdParams, querystring: TaskListQuery, response: { 200: TaskCollection, ...errorResponses } } },
    async (request) => {
      const dag = (await requireDag(db, request.params.dag_id)).serialized;
      const orderBy = parseOrderBy(request.query.order_by, ["task_id", "priority_weight", "retries"] as const);
      const tasks = dag.tasks.map((t) => toTaskResponse(dag, t));
      const field = orderBy?.field ?? "task_id";
      const sign = orderBy?.descending === true ? -1 : 1;
      tasks.sort((a, b) => sign * (field === "task_id" ? a.task_id.localeCompare(b.task_id) : a[field] - b[field]));
      return { tasks, total_entries: tasks.length };
    },
  );

  app.get(
    "/api/v1/dags/:dag_id/tasks/:task_id",
    { schema: { tags: ["DAG"], summary: "Get one task of a DAG", params: TaskParams, response: { 200: Task, ...errorResponses } } },
    async (request) => {
      const dag = (await requireDag(db, request.params.dag_id)).serialized;
      const task = dag.tasks.find((t) => t.taskId === request.params.task_id);
      if (task === undefined) {
        throw new UpdraftError("UPDRAFT_TASK_NOT_FOUND", `DAG "${dag.dagId}" has no task "${request.params.task_id}"`, { details: { dagId: dag.dagId, taskId: request.params.task_id } });
      }
      return toTaskResponse(dag, task);
    },
  );
}
