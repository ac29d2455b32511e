// A BullMQ job id per task-instance try: the same try always gets the same id, so enqueueing it
// twice (a retried addBulk, a reconcile after a Redis flush) never makes a duplicate job. BullMQ
// forbids ':' in custom ids (it separates Redis keys), and run ids contain ISO times, so parts
// are URI-encoded.
import type { QueuedTaskInstance } from "@updraft/core";

export type TryIdentity = Pick<QueuedTaskInstance, "dagId" | "runId" | "taskId" | "tryNumber">;

export function jobIdFor(ti: TryIdentity): string {
  return [ti.dagId, ti.runId, ti.taskId, String(ti.tryNumber)].map(encodeURIComponent).join("|");
}
