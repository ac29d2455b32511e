// The worker registry (Flower's view): every worker with online/offline decided from its
// heartbeat age, and one worker with what it runs now and ran recently.
import { isoOrNull } from "@updraft/api-contract";
import { UpdraftError } from "@updraft/core";
import { getWorker, isWorkerOnline, listWorkers, runningCountsByWorker, workerTaskInstances, type WorkerRow } from "@updraft/db";
import { errorResponses } from "../schemas/common.ts";
import { WorkerCollection, WorkerDetail, WorkerParams } from "../schemas/workers.ts";
import type { ApiApp, ApiContext } from "./context.ts";

const TAGS = ["Worker"];

export function workerRoutes(app: ApiApp, { db, config }: ApiContext): void {
  // `active` is the worker's running task instances as the database has them, so it agrees with
  // the worker page's "Running now" list (issue 13, item 14); the heartbeat's counter lags.
  const toResponse = (row: WorkerRow, now: Date, active: number) => ({
    name: row.name,
    hostname: row.hostname,
    pid: row.pid,
    queues: row.queues,
    concurrency: row.concurrency,
    active,
    processed: row.processed,
    succeeded: row.succeeded,
    failed: row.failed,
    started_at: row.startedAt.toISOString(),
    last_heartbeat: row.lastHeartbeat.toISOString(),
    status: isWorkerOnline(row, config.workerOfflineAfterMs, now) ? ("online" as const) : ("offline" as const),
  });

  app.get(
    "/api/v1/workers",
    { schema: { tags: TAGS, summary: "List workers with their heartbeat status and counters", response: { 200: WorkerCollection, ...errorResponses } } },
    async () => {
      const [rows, running] = await Promise.all([listWorkers(db), runningCountsByWorker(db)]);
      const now = new Date();
      return { workers: rows.map((row) => toResponse(row, now, running.get(row.name) ?? 0)), total_entries: rows.length };
    },
  );

  app.get(
    "/api/v1/workers/:worker_name",
    {
      schema: {
        tags: TAGS,
        summary: "Get a worker with its running and recently finished task instances",
        params: WorkerParams,
        response: { 200: WorkerDetail, ...errorResponses },
      },
    },
    async (request) => {
      const name = request.params.worker_name;
      const row = await getWorker(db, name);
      if (row === undefined) {
        // No dedicated code exists for a missing worker yet; a 404 with the name says enough.
        throw new UpdraftError("UPDRAFT_ROUTE_NOT_FOUND", `No worker named "${name}" has registered`, { details: { worker: name } });
      }
      const { current, recent } = await workerTaskInstances(db, name);
      const asTi = (t: (typeof current)[number] | (typeof recent)[number]) => ({
        dag_id: t.dagId,
        dag_run_id: t.runId,
        task_id: t.taskId,
        try_number: t.tryNumber,
        state: t.state,
        start_date: isoOrNull(t.startDate),
        end_date: isoOrNull(t.endDate),
        duration: t.duration,
      });
      return { ...toResponse(row, new Date(), current.length), running_task_instances: current.map(asTi), recent_task_instances: recent.map(asTi) };
    },
  );
}
