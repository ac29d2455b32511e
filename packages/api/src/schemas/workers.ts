// Response schemas of the worker registry (Flower's worker list) and of one worker's task instances.
import { Type } from "typebox";
import { DateTime, nullable, NullableDateTime } from "./common.ts";

export const Worker = Type.Object(
  {
    name: Type.String(),
    hostname: Type.String(),
    pid: Type.Integer({ description: "The worker process's own pid" }),
    queues: Type.Array(Type.String()),
    concurrency: Type.Integer(),
    active: Type.Integer({ description: "Task instances running on it now" }),
    processed: Type.Integer(),
    succeeded: Type.Integer(),
    failed: Type.Integer(),
    started_at: DateTime,
    last_heartbeat: DateTime,
    status: Type.Enum(["online", "offline"], { description: "offline once the heartbeat is older than UPDRAFT_WORKER_OFFLINE_AFTER_SEC or the worker stopped" }),
  },
  { title: "Worker" },
);

export const WorkerCollection = Type.Object({ workers: Type.Array(Worker), total_entries: Type.Integer() });

const WorkerTaskInstance = Type.Object({
  dag_id: Type.String(),
  dag_run_id: Type.String(),
  task_id: Type.String(),
  try_number: Type.Integer(),
  state: nullable(Type.String()),
  start_date: NullableDateTime,
  end_date: NullableDateTime,
  duration: nullable(Type.Number({ description: "Seconds" })),
});

export const WorkerDetail = Type.Object(
  {
    ...Worker.properties,
    running_task_instances: Type.Array(WorkerTaskInstance),
    recent_task_instances: Type.Array(WorkerTaskInstance, { description: "Tries it finished, newest first (at most 50)" }),
  },
  { title: "WorkerDetail" },
);

export const WorkerParams = Type.Object({ worker_name: Type.String() });
