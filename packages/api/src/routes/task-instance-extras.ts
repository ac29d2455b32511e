// A task instance's tries in Airflow's TaskInstance shape (`…/tries`, `…/tries/{n}`), its XCom
// entries (`…/xcomEntries`, `…/xcomEntries/{key}`), and the cross-DAG task instance batch list
// (`POST /dags/~/dagRuns/~/taskInstances/list`).
import { toTaskInstanceResponse } from "@updraft/api-contract";
import { UpdraftError, type TaskInstanceState } from "@updraft/core";
import { listTaskInstanceTries, listXcomEntries, searchTaskInstances, type TaskInstanceRow, type XcomRow } from "@updraft/db";
import { errorResponses, TaskInstanceParams } from "../schemas/common.ts";
import { TaskInstanceTryCollection, TryParams, XCom, XComCollection, XComListQuery, XComParams, XComQuery } from "../schemas/airflow-reads.ts";
import { TaskInstance, TaskInstanceBatchBody, TaskInstanceCollection } from "../schemas/task-instances.ts";
import type { ApiApp, ApiContext } from "./context.ts";
import { requireRun, requireTaskInstance } from "./lookups.ts";

const TAGS = ["TaskInstance"];

/** Every try of a task instance, oldest first: the finished ones from history, then the current one. */
async function tries(db: ApiContext["db"], ti: TaskInstanceRow) {
  const history = await listTaskInstanceTries(db, ti.dagId, ti.runId, ti.taskId);
  const past = history.map((h) =>
    toTaskInstanceResponse({ ...ti, tryNumber: h.tryNumber, state: h.state, startDate: h.startDate, endDate: h.endDate, duration: h.duration, hostname: h.hostname, pid: h.pid, queue: h.queue ?? ti.queue, pool: h.pool ?? ti.pool }),
  );
  const current = ti.tryNumber > 0 && !history.some((h) => h.tryNumber === ti.tryNumber) ? [toTaskInstanceResponse(ti)] : [];
  return [...past, ...current];
}

export function taskInstanceExtraRoutes(app: ApiApp, { db }: ApiContext): void {
  app.get(
    "/api/v1/dags/:dag_id/dagRuns/:dag_run_id/taskInstances/:task_id/tries",
    { schema: { tags: TAGS, summary: "List a task instance's tries", params: TaskInstanceParams, response: { 200: TaskInstanceTryCollection, ...errorResponses } } },
    async (request) => {
      const { dag_id: dagId, dag_run_id: runId, task_id: taskId } = request.params;
      const all = await tries(db, await requireTaskInstance(db, dagId, runId, taskId));
      return { task_instances: all, total_entries: all.length };
    },
  );

  app.get(
    "/api/v1/dags/:dag_id/dagRuns/:dag_run_id/taskInstances/:task_id/tries/:task_try_number",
    { schema: { tags: TAGS, summary: "Get one try of a task instance", params: TryParams, response: { 200: TaskInstance, ...errorResponses } } },
    async (request) => {
      const { dag_id: dagId, dag_run_id: runId, task_id: taskId, task_try_number: n } = request.params;
      const found = (await tries(db, await requireTaskInstance(db, dagId, runId, taskId))).find((t) => t.try_number === n);
      if (found === undefined) {
        throw new UpdraftError("UPDRAFT_TASK_NOT_FOUND", `Task instance "${taskId}" of run "${runId}" has no try ${n}`, { details: { dagId, runId, taskId, tryNumber: n } });
      }
      return found;
    },
  );

  const toXcomItem = (row: XcomRow, logicalDate: Date) => ({
    dag_id: row.dagId,
    dag_run_id: row.runId,
    task_id: row.taskId,
    key: row.key,
    map_index: -1,
    execution_date: logicalDate.toISOString(),
    timestamp: row.createdAt.toISOString(),
  });

  app.get(
    "/api/v1/dags/:dag_id/dagRuns/:dag_run_id/taskInstances/:task_id/xcomEntries",
    { schema: { tags: ["XCom"], summary: "List a task instance's XCom entries", params: TaskInstanceParams, querystring: XComListQuery, response: { 200: XComCollection, ...errorResponses } } },
    async (request) => {
      const { dag_id: dagId, dag_run_id: runId, task_id: taskId } = request.params;
      const run = await requireRun(db, dagId, runId);
      const q = request.query;
      // Updraft has no mapped tasks: every entry has map_index -1.
      if (q.map_index !== undefined && q.map_index !== -1) return { xcom_entries: [], total_entries: 0 };
      const { rows, total } = await listXcomEntries(db, { dagId, runId, taskId, key: q.xcom_key, limit: q.limit, offset: q.offset });
      return { xcom_entries: rows.map((r) => toXcomItem(r, run.logicalDate)), total_entries: total };
    },
  );

  app.get(
    "/api/v1/dags/:dag_id/dagRuns/:dag_run_id/taskInstances/:task_id/xcomEntries/:xcom_key",
    { schema: { tags: ["XCom"], summary: "Get one XCom entry with its value", params: XComParams, querystring: XComQuery, response: { 200: XCom, ...errorResponses } } },
    async (request) => {
      const { dag_id: dagId, dag_run_id: runId, task_id: taskId, xcom_key: key } = request.params;
      const run = await requireRun(db, dagId, runId);
      const [row] = request.query.map_index !== undefined && request.query.map_index !== -1 ? [] : (await listXcomEntries(db, { dagId, runId, taskId, key, limit: 1 })).rows;
      if (row === undefined) {
        throw new UpdraftError("UPDRAFT_XCOM_NOT_FOUND", `Task instance "${taskId}" of run "${runId}" has no XCom "${key}"`, { details: { dagId, runId, taskId, key } });
      }
      const value = request.query.stringify === true ? JSON.stringify(row.value) : row.value;
      return { ...toXcomItem(row, run.logicalDate), value };
    },
  );

  app.post(
    "/api/v1/dags/~/dagRuns/~/taskInstances/list",
    {
      // A read, though a POST (Airflow's form carries the filters in the body).
      config: { access: "Viewer" },
      schema: { tags: TAGS, summary: "List task instances across DAGs and runs (Airflow's batch form)", body: TaskInstanceBatchBody, response: { 200: TaskInstanceCollection, ...errorResponses } },
    },
    async (request) => {
      const b = request.body;
      const range = (gte: string | undefined, lte: string | undefined) => ({ gte: gte === undefined ? undefined : new Date(gte), lte: lte === undefined ? undefined : new Date(lte) });
      const states = b.state?.map((s) => (s === "none" ? null : s)) as Array<TaskInstanceState | null> | undefined;
      const { rows, total } = await searchTaskInstances(db, {
        dagIds: b.dag_ids,
        runIds: b.dag_run_ids,
        taskIds: b.task_ids,
        states,
        pools: b.pool,
        queues: b.queue,
        startDate: range(b.start_date_gte, b.start_date_lte),
        endDate: range(b.end_date_gte, b.end_date_lte),
        durationGte: b.duration_gte,
        durationLte: b.duration_lte,
        limit: b.page_limit,
        offset: b.page_offset,
      });
      return { task_instances: rows.map(toTaskInstanceResponse), total_entries: total };
    },
  );
}
