// The distributed executor: claimed tries go onto Redis queues for `updraft worker` processes on
// any machines; the workers record start, logs, result and end in Postgres themselves.
import { errorMessage, type Executor, type Logger, type QueuedTaskInstance } from "@updraft/core";
import type { Broker } from "./broker.ts";

export class DistributedExecutor implements Executor {
  readonly name = "distributed";
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly broker: Broker,
    private readonly logger: Logger,
  ) {}

  /** Workers pull at their own pace; the scheduler's limits bound what is queued. */
  freeSlots(): number {
    return Number.POSITIVE_INFINITY;
  }

  execute(batch: readonly QueuedTaskInstance[]): void {
    // Enqueue in order; a failure (Redis away) is repaired by the scheduler's reconcile pass,
    // which re-enqueues queued task instances whose job is missing.
    this.pending = this.pending
      .then(() => this.broker.enqueue(batch))
      .catch((error: unknown) => this.logger.warn({ err: errorMessage(error), tries: batch.length }, "enqueue failed; reconcile will retry"));
  }

  reconcile(queued: readonly QueuedTaskInstance[]): Promise<number> {
    return this.broker.reconcile(queued);
  }

  isTryHeld(ti: Pick<QueuedTaskInstance, "dagId" | "runId" | "taskId" | "tryNumber" | "queue">): Promise<boolean | undefined> {
    return this.broker.isTryHeld(ti);
  }

  takeReconnected(): boolean {
    return this.broker.takeReconnected();
  }

  async close(): Promise<void> {
    await this.pending;
    await this.broker.close();
  }
}
