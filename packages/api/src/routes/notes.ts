// Notes on DAG runs and task instances, as Airflow's `setNote` endpoints (Op and Admin write).
import { toDagRunResponse, toTaskInstanceResponse } from "@updraft/api-contract";
import { UpdraftError } from "@updraft/core";
import { setDagRunNote, setTaskInstanceNote } from "@updraft/db";
import { Type } from "typebox";
import { DagRunParams, errorResponses, nullable, TaskInstanceParams } from "../schemas/common.ts";
import { DagRun } from "../schemas/dag-runs.ts";
import { TaskInstance } from "../schemas/task-instances.ts";
import type { ApiApp, ApiContext } from "./context.ts";

const NoteBody = Type.Object({ note: nullable(Type.String({ maxLength: 1000 })) }, { additionalProperties: false });

export function noteRoutes(app: ApiApp, { db }: ApiContext): void {
  app.patch(
    "/api/v1/dags/:dag_id/dagRuns/:dag_run_id/setNote",
    { config: { access: "Op" }, schema: { tags: ["DAGRun"], summary: "Set the note of a DAG run", params: DagRunParams, body: NoteBody, response: { 200: DagRun, ...errorResponses } } },
    async (request) => {
      const { dag_id, dag_run_id } = request.params;
      const row = await setDagRunNote(db, dag_id, dag_run_id, request.body.note);
      if (!row) throw new UpdraftError("UPDRAFT_DAG_RUN_NOT_FOUND", `DAG "${dag_id}" has no run "${dag_run_id}"`);
      return toDagRunResponse(row);
    },
  );

  app.patch(
    "/api/v1/dags/:dag_id/dagRuns/:dag_run_id/taskInstances/:task_id/setNote",
    {
      config: { access: "Op" },
      schema: { tags: ["TaskInstance"], summary: "Set the note of a task instance", params: TaskInstanceParams, body: NoteBody, response: { 200: TaskInstance, ...errorResponses } },
    },
    async (request) => {
      const { dag_id, dag_run_id, task_id } = request.params;
      const row = await setTaskInstanceNote(db, { dagId: dag_id, runId: dag_run_id, taskId: task_id }, request.body.note);
      if (!row) throw new UpdraftError("UPDRAFT_TASK_NOT_FOUND", `Run "${dag_run_id}" of DAG "${dag_id}" has no task instance "${task_id}"`);
      return toTaskInstanceResponse(row);
    },
  );
}
