// DAG run routes: list with Airflow's filters (`~` for every DAG), trigger (a manual run, queued
// until the scheduler starts it; a paused DAG's run waits as in Airflow), read one, set its state
// (PATCH) and delete it, and the cross-DAG batch list (`POST /dags/~/dagRuns/list`).
import { toDagRunResponse } from "@updraft/api-contract";
import { DAG_RUN_STATES, isDagRunState, UpdraftError, type DagRunState } from "@updraft/core";
import { DAG_RUN_ORDER_FIELDS, deleteDagRun, searchDagRuns, setDagRunState, triggerDagRun, wakeScheduler, type DagRunOrderField } from "@updraft/db";
import { Type } from "typebox";
import { audit } from "../audit.ts";
import { DagRun, DagRunBatchBody, DagRunCollection, DagRunListQuery, DagRunPatchBody, DagRunTriggerBody } from "../schemas/dag-runs.ts";
import { DagIdParams, DagRunParams, errorResponses } from "../schemas/common.ts";
import type { ApiApp, ApiContext } from "./context.ts";
import { requireDagExists, requireRun, WILDCARD } from "./lookups.ts";
import { parseOrderBy } from "./order-by.ts";
import { splitList } from "./query-lists.ts";

const ORDER_FIELDS = Object.keys(DAG_RUN_ORDER_FIELDS) as DagRunOrderField[];

const range = (gte: string | undefined, lte: string | undefined) => ({
  gte: gte === undefined ? undefined : new Date(gte),
  lte: lte === undefined ? undefined : new Date(lte),
});

function parseStates(values: readonly string[] | undefined): DagRunState[] | undefined {
  if (values === undefined) return undefined;
  return splitList(values).map((state) => {
    if (!isDagRunState(state)) {
      throw new UpdraftError("UPDRAFT_INVALID_INPUT", `querystring.state "${state}" is not a DAG run state; use ${DAG_RUN_STATES.join(", ")}`, {
        details: { field: "state", value: state },
      });
    }
    return state;
  });
}

export function dagRunRoutes(app: ApiApp, { db }: ApiContext): void {
  app.get(
    "/api/v1/dags/:dag_id/dagRuns",
    {
      schema: {
        tags: ["DAGRun"],
        summary: "List a DAG's runs (dag_id ~ for every DAG), newest first unless order_by says otherwise",
        params: DagIdParams,
        querystring: DagRunListQuery,
        response: { 200: DagRunCollection, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const states = parseStates(q.state);
      const orderBy = parseOrderBy(q.order_by, ORDER_FIELDS);
      const dagId = request.params.dag_id;
      if (dagId !== WILDCARD) await requireDagExists(db, dagId);
      const { rows, total } = await searchDagRuns(db, {
        dagIds: dagId === WILDCARD ? undefined : [dagId],
        states,
        logicalDate: range(q.execution_date_gte, q.execution_date_lte),
        startDate: range(q.start_date_gte, q.start_date_lte),
        endDate: range(q.end_date_gte, q.end_date_lte),
        orderBy,
        limit: q.limit,
        offset: q.offset,
      });
      return { dag_runs: rows.map(toDagRunResponse), total_entries: total };
    },
  );

  app.post(
    "/api/v1/dags/:dag_id/dagRuns",
    {
      config: { access: "Op" },
      schema: {
        tags: ["DAGRun"],
        summary: "Trigger a DAG run",
        params: DagIdParams,
        body: DagRunTriggerBody,
        response: { 200: DagRun, ...errorResponses },
      },
    },
    async (request) => {
      const body = request.body;
      // `execution_date` is Airflow's older name for the logical date; `note` is accepted and not
      // stored yet (this branch has no note column).
      const given = body.logical_date ?? body.execution_date;
      const date = (text: string | undefined) => (text === undefined ? undefined : new Date(text));
      const run = await triggerDagRun(db, {
        dagId: request.params.dag_id,
        runId: body.dag_run_id,
        conf: (body.conf ?? {}) as Record<string, unknown>,
        logicalDate: date(given),
        dataIntervalStart: date(body.data_interval_start),
        dataIntervalEnd: date(body.data_interval_end),
        note: body.note ?? null,
      });
      await audit(db, request, "trigger", {
        dagId: run.dagId,
        runId: run.runId,
        logicalDate: run.logicalDate,
        extra: { conf: run.conf },
      });
      return toDagRunResponse(run);
    },
  );

  app.get(
    "/api/v1/dags/:dag_id/dagRuns/:dag_run_id",
    { schema: { tags: ["DAGRun"], summary: "Get a DAG run", params: DagRunParams, response: { 200: DagRun, ...errorResponses } } },
    async (request) => toDagRunResponse(await requireRun(db, request.params.dag_id, request.params.dag_run_id)),
  );

  app.patch(
    "/api/v1/dags/:dag_id/dagRuns/:dag_run_id",
    {
      config: { access: "Op" },
      schema: {
        tags: ["DAGRun"],
        summary: "Set a run's state: success or failed (its unfinished task instances follow, as in Airflow) or queued",
        params: DagRunParams,
        body: DagRunPatchBody,
        response: { 200: DagRun, ...errorResponses },
      },
    },
    async (request) => {
      const { dag_id: dagId, dag_run_id: runId } = request.params;
      const before = await requireRun(db, dagId, runId);
      const run = await setDagRunState(db, { dagId, runId }, request.body.state);
      if (run === undefined) throw new UpdraftError("UPDRAFT_DAG_RUN_NOT_FOUND", `DAG "${dagId}" has no run "${runId}"`, { details: { dagId, runId } });
      await wakeScheduler(db, "dag_run_state_set");
      await audit(db, request, "dag_run_patched", { dagId, runId, logicalDate: run.logicalDate, extra: { state: request.body.state, previous_state: before.state } });
      return toDagRunResponse(run);
    },
  );

  app.delete(
    "/api/v1/dags/:dag_id/dagRuns/:dag_run_id",
    {
      config: { access: "Op" },
      schema: {
        tags: ["DAGRun"],
        summary: "Delete a run with its task instances, tries, XCom and logs",
        params: DagRunParams,
        response: { 204: Type.Null({ description: "Deleted" }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { dag_id: dagId, dag_run_id: runId } = request.params;
      const run = await requireRun(db, dagId, runId);
      if (!(await deleteDagRun(db, { dagId, runId }))) {
        throw new UpdraftError("UPDRAFT_DAG_RUN_NOT_FOUND", `DAG "${dagId}" has no run "${runId}"`, { details: { dagId, runId } });
      }
      await wakeScheduler(db, "dag_run_deleted");
      await audit(db, request, "dag_run_deleted", { dagId, runId, logicalDate: run.logicalDate, extra: { state: run.state } });
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/api/v1/dags/~/dagRuns/list",
    {
      // A read, though a POST (Airflow's form carries the filters in the body).
      config: { access: "Viewer" },
      schema: {
        tags: ["DAGRun"],
        summary: "List runs across DAGs (Airflow's batch form)",
        body: DagRunBatchBody,
        response: { 200: DagRunCollection, ...errorResponses },
      },
    },
    async (request) => {
      const b = request.body;
      const { rows, total } = await searchDagRuns(db, {
        dagIds: b.dag_ids,
        states: b.states,
        logicalDate: range(b.execution_date_gte, b.execution_date_lte),
        startDate: range(b.start_date_gte, b.start_date_lte),
        endDate: range(b.end_date_gte, b.end_date_lte),
        orderBy: parseOrderBy(b.order_by, ORDER_FIELDS),
        limit: b.page_limit,
        offset: b.page_offset,
        limitPerDag: b.limit_per_dag,
      });
      return { dag_runs: rows.map(toDagRunResponse), total_entries: total };
    },
  );
}
