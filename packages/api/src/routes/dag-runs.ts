// DAG run routes: list with a state filter, trigger (a manual run, queued until the scheduler
// starts it; a paused DAG's run waits as in Airflow), and read one.
import { toDagRunResponse } from "@updraft/api-contract";
import { DAG_RUN_STATES, isDagRunState, UpdraftError, type DagRunState } from "@updraft/core";
import { createDagRun, listDagRuns, wakeScheduler } from "@updraft/db";
import { DagRun, DagRunCollection, DagRunListQuery, DagRunTriggerBody } from "../schemas/dag-runs.ts";
import { DagIdParams, DagRunParams, errorResponses } from "../schemas/common.ts";
import type { ApiApp, ApiContext } from "./context.ts";
import { requireDag, requireDagRun } from "./lookups.ts";
import { splitList } from "./query-lists.ts";

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
        summary: "List a DAG's runs, newest first",
        params: DagIdParams,
        querystring: DagRunListQuery,
        response: { 200: DagRunCollection, ...errorResponses },
      },
    },
    async (request) => {
      const states = parseStates(request.query.state);
      await requireDag(db, request.params.dag_id);
      const { rows, total } = await listDagRuns(db, {
        dagId: request.params.dag_id,
        states,
        limit: request.query.limit,
        offset: request.query.offset,
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
      const logicalDate = body.logical_date === undefined ? new Date() : new Date(body.logical_date);
      const run = await createDagRun(db, {
        dagId: request.params.dag_id,
        runId: body.dag_run_id,
        runType: "manual",
        conf: (body.conf ?? {}) as Record<string, unknown>,
        logicalDate,
        // A manual run covers the instant it was triggered for, as Airflow's manual runs of unscheduled DAGs do.
        dataIntervalStart: logicalDate,
        dataIntervalEnd: logicalDate,
        note: body.note ?? null,
      });
      await wakeScheduler(db, "dag_run_triggered");
      return toDagRunResponse(run);
    },
  );

  app.get(
    "/api/v1/dags/:dag_id/dagRuns/:dag_run_id",
    { schema: { tags: ["DAGRun"], summary: "Get a DAG run", params: DagRunParams, response: { 200: DagRun, ...errorResponses } } },
    async (request) => toDagRunResponse((await requireDagRun(db, request.params.dag_id, request.params.dag_run_id)).run),
  );
}
