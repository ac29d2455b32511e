// A DAG's structure and source for the dashboard's graph and source views, and the tries of one
// run for its Gantt chart. The structure comes from the serialized DAG (never from user code);
// the source is read from the DAGs folder and may not point outside it.
import { readFile, realpath } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";
import { isoOrNull, toScheduleInterval } from "@updraft/api-contract";
import { UpdraftError, type SerializedDag } from "@updraft/core";
import { listRunTries } from "@updraft/db";
import { DagDetail, DagSource, RunTryCollection } from "../schemas/dag-details.ts";
import { DagIdParams, DagRunParams, errorResponses } from "../schemas/common.ts";
import type { ApiApp, ApiContext } from "./context.ts";
import { requireDag, requireRun } from "./lookups.ts";

export function toDagDetail(dag: SerializedDag) {
  const downstream = new Map<string, string[]>();
  for (const task of dag.tasks) for (const up of task.upstream) downstream.set(up, [...(downstream.get(up) ?? []), task.taskId]);
  return {
    dag_id: dag.dagId,
    fileloc: dag.fileloc,
    description: dag.description,
    schedule_interval: toScheduleInterval(dag.schedule),
    start_date: dag.startDate,
    catchup: dag.catchup,
    tags: dag.tags.map((name) => ({ name })),
    params: dag.params,
    param_schemas: dag.paramSchemas ?? {},
    tasks: dag.tasks.map((t) => ({
      task_id: t.taskId,
      kind: t.kind,
      upstream_task_ids: t.upstream,
      downstream_task_ids: (downstream.get(t.taskId) ?? []).sort(),
      trigger_rule: t.triggerRule,
      retries: t.retries,
      queue: t.queue,
      pool: t.pool,
      priority_weight: t.priorityWeight,
      bash_command: t.bashCommand,
      doc: t.doc,
    })),
    edges: dag.tasks.flatMap((t) => t.upstream.map((up) => ({ source_task_id: up, target_task_id: t.taskId }))),
  };
}

/** The file's absolute path if it lies inside the folder (after resolving symlinks), else undefined. */
export async function resolveInside(folder: string, file: string): Promise<string | undefined> {
  const root = await realpath(folder);
  const target = await realpath(resolve(root, file));
  const rel = relative(root, target);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? undefined : target;
}

export function dagDetailRoutes(app: ApiApp, { db, config }: ApiContext): void {
  app.get(
    "/api/v1/dags/:dag_id/details",
    { schema: { tags: ["DAG"], summary: "Get a DAG's tasks, edges and params", params: DagIdParams, response: { 200: DagDetail, ...errorResponses } } },
    async (request) => toDagDetail((await requireDag(db, request.params.dag_id)).serialized),
  );

  app.get(
    "/api/v1/dags/:dag_id/source",
    { schema: { tags: ["DAG"], summary: "Get the source of the file that defines a DAG", params: DagIdParams, response: { 200: DagSource, ...errorResponses } } },
    async (request) => {
      const dag = await requireDag(db, request.params.dag_id);
      let path: string | undefined;
      try {
        path = await resolveInside(config.dagsFolder, dag.fileloc);
      } catch {
        throw new UpdraftError("UPDRAFT_DAG_NOT_FOUND", `The file "${dag.fileloc}" of DAG "${dag.dagId}" is no longer in the DAGs folder`, {
          details: { dagId: dag.dagId, fileloc: dag.fileloc },
        });
      }
      if (path === undefined) {
        throw new UpdraftError("UPDRAFT_INVALID_INPUT", `The file of DAG "${dag.dagId}" lies outside the DAGs folder; its source is not served`, {
          details: { dagId: dag.dagId },
        });
      }
      return { fileloc: dag.fileloc, content: await readFile(path, "utf8") };
    },
  );

  app.get(
    "/api/v1/dags/:dag_id/dagRuns/:dag_run_id/tries",
    {
      schema: {
        tags: ["TaskInstance"],
        summary: "List every try of every task in a run (finished and current), ordered by start",
        params: DagRunParams,
        response: { 200: RunTryCollection, ...errorResponses },
      },
    },
    async (request) => {
      const { dag_id: dagId, dag_run_id: runId } = request.params;
      await requireRun(db, dagId, runId);
      const tries = await listRunTries(db, dagId, runId);
      return {
        tries: tries.map((t) => ({
          task_id: t.taskId,
          try_number: t.tryNumber,
          state: t.state,
          start_date: isoOrNull(t.startDate),
          end_date: isoOrNull(t.endDate),
          duration: t.duration,
          hostname: t.hostname,
          worker_name: t.workerName,
        })),
        total_entries: tries.length,
      };
    },
  );
}
