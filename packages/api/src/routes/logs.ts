// Task logs, one try at a time, as JSON with a continuation token (for tailing) or as plain text.
import { toLogResponse } from "@updraft/api-contract";
import { getTaskInstance, readTaskLogs } from "@updraft/db";
import { Type } from "typebox";
import { errorResponses } from "../schemas/common.ts";
import { Log, LogParams, LogQuery } from "../schemas/task-instances.ts";
import type { ApiApp, ApiContext } from "./context.ts";
import { requireDagRun, taskNotFound } from "./lookups.ts";

/** True when the client asked for text/plain rather than JSON. */
function wantsText(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  const types = accept.split(",").map((part) => part.split(";")[0]!.trim().toLowerCase());
  const text = types.indexOf("text/plain");
  const json = types.indexOf("application/json");
  return text !== -1 && (json === -1 || text < json);
}

export function logRoutes(app: ApiApp, { db }: ApiContext): void {
  app.get(
    "/api/v1/dags/:dag_id/dagRuns/:dag_run_id/taskInstances/:task_id/logs/:try_number",
    {
      schema: {
        tags: ["TaskInstance"],
        summary: "Get the log of one try (JSON, or text/plain when the Accept header asks for it)",
        params: LogParams,
        querystring: LogQuery,
        response: {
          200: {
            description: "The log lines",
            content: { "application/json": { schema: Log }, "text/plain": { schema: Type.String() } },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { dag_id: dagId, dag_run_id: runId, task_id: taskId, try_number: tryNumber } = request.params;
      const { dag } = await requireDagRun(db, dagId, runId);
      const inDag = dag.serialized.tasks.some((t) => t.taskId === taskId);
      // A task removed from the DAG file since keeps its logs while its task instance exists.
      if (!inDag && (await getTaskInstance(db, dagId, runId, taskId)) === undefined) throw taskNotFound(dagId, runId, taskId);
      const token = request.query.token;
      const lines = await readTaskLogs(db, { dagId, runId, taskId, tryNumber, afterId: token === undefined ? undefined : Number(token) });
      const log = toLogResponse(lines, token ?? null);
      if (wantsText(request.headers.accept)) {
        if (log.continuation_token !== null) reply.header("x-continuation-token", log.continuation_token);
        return reply.type("text/plain; charset=utf-8").send(log.content);
      }
      return reply.type("application/json; charset=utf-8").send(log);
    },
  );
}
