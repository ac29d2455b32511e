// Scheduling routes: why a task instance is not running (Airflow's .../dependencies, answered
// with the scheduler's own decision functions) and backfills (runs for past schedule intervals).
import { toDagRunResponse } from "@updraft/api-contract";
import { wakeScheduler } from "@updraft/db";
import { createBackfillRuns, explainTaskInstance } from "@updraft/scheduler";
import { DagRunCollection } from "../schemas/dag-runs.ts";
import { errorResponses, TaskInstanceParams } from "../schemas/common.ts";
import { BackfillBody, TaskInstanceDependencies } from "../schemas/scheduling.ts";
import type { ApiApp, ApiContext } from "./context.ts";
import { requireTaskInstance, taskNotFound } from "./lookups.ts";

export function schedulingRoutes(app: ApiApp, { db, config }: ApiContext): void {
  const limits = {
    parallelism: config.executor === "sequential" ? 1 : config.parallelism,
    maxActiveTasksPerDag: config.maxActiveTasksPerDag,
    maxActiveRunsPerDag: config.maxActiveRunsPerDag,
  };

  app.get(
    "/api/v1/dags/:dag_id/dagRuns/:dag_run_id/taskInstances/:task_id/dependencies",
    {
      schema: {
        tags: ["TaskInstance"],
        summary: "Why a task instance is not running: the limit, pool, upstream task or retry time it waits for",
        params: TaskInstanceParams,
        response: { 200: TaskInstanceDependencies, ...errorResponses },
      },
    },
    async (request) => {
      const { dag_id: dagId, dag_run_id: runId, task_id: taskId } = request.params;
      await requireTaskInstance(db, dagId, runId, taskId);
      const explanations = await explainTaskInstance(db, { dagId, runId, taskId }, limits);
      if (!explanations) throw taskNotFound(dagId, runId, taskId);
      return { dependencies: explanations.map((e) => ({ name: e.reason, reason: e.message })) };
    },
  );

  app.post(
    "/api/v1/backfills",
    {
      config: { access: "Op" },
      schema: {
        tags: ["DAGRun"],
        summary: "Create queued runs for every schedule interval of a DAG with a logical date in [from_date, to_date]",
        body: BackfillBody,
        response: { 200: DagRunCollection, ...errorResponses },
      },
    },
    async (request) => {
      const { dag_id: dagId, from_date: from, to_date: to } = request.body;
      const runs = await createBackfillRuns(db, dagId, new Date(from), new Date(to));
      await wakeScheduler(db, dagId);
      return { dag_runs: runs.map(toDagRunResponse), total_entries: runs.length };
    },
  );
}
