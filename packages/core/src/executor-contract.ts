// The contract between the scheduler and an executor: the scheduler claims task instances (now
// queued, try number already raised) and hands them over; the executor runs each try somewhere
// and records its start and end in the database.
import type { RetryPolicy } from "./retry.ts";
import type { JsonValue } from "./serialized-dag.ts";

/** What an executor needs to run one try. */
export interface QueuedTaskInstance {
  dagId: string;
  runId: string;
  taskId: string;
  tryNumber: number;
  maxTries: number;
  queue: string;
  pool: string;
  priorityWeight: number;
  /** DAG file relative to the DAGs folder. */
  fileloc: string;
  logicalDate: Date;
  dataIntervalStart: Date | null;
  dataIntervalEnd: Date | null;
  conf: Record<string, JsonValue>;
  executionTimeoutMs: number | null;
  /** Input name -> upstream task id whose result is passed in. */
  inputs: Record<string, string>;
  retryPolicy: RetryPolicy;
}

export interface Executor {
  readonly name: string;
  /** How many more tries it can start now; the scheduler never claims more. */
  freeSlots(): number;
  /** Starts the tries (returns at once; results arrive through the database). */
  execute(batch: readonly QueuedTaskInstance[]): void;
  /**
   * Makes sure these task instances, queued for a while, are really on their way (re-enqueues
   * what the broker lost). Returns how many were sent again. Absent for in-process executors.
   */
  reconcile?(queued: readonly QueuedTaskInstance[]): Promise<number>;
  /**
   * The second loss signal besides the heartbeat row: whether whoever runs this try still holds
   * it (the distributed executor: the worker's BullMQ job lock exists). true: held by a live
   * worker; false: nobody holds it; undefined: cannot tell now (the broker is unreachable).
   * Absent for in-process executors.
   */
  isTryHeld?(ti: Pick<QueuedTaskInstance, "dagId" | "runId" | "taskId" | "tryNumber" | "queue">): Promise<boolean | undefined>;
  /** True once after the broker came back from an outage: queued work may be lost, compare now. */
  takeReconnected?(): boolean;
  /** Stops taking work and waits for (or hands back) what it holds. */
  close(): Promise<void>;
}
