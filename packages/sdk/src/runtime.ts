// The executable side of a defined task: what the executor calls. Kept apart from the serialized
// spec, which is plain data the scheduler may read without importing user code.
import type { SerializedTask } from "@updraft/core";
import type { TaskCallbacks } from "./callbacks.ts";
import type { TaskContext } from "./context.ts";

export type TaskInputValues = Readonly<Record<string, unknown>>;

export type TaskRuntime =
  | { kind: "task"; run: (ctx: TaskContext, inputs: TaskInputValues) => unknown }
  | {
      kind: "bash";
      command: string | ((ctx: TaskContext, inputs: TaskInputValues) => string);
      env: Readonly<Record<string, string>> | undefined;
      cwd: string | undefined;
      /** Exit code that ends the task as skipped instead of failed (Airflow's 99). */
      skipOnExitCode: number;
    }
  | { kind: "branch"; choose: (ctx: TaskContext, inputs: TaskInputValues) => unknown }
  | { kind: "sensor"; poke: (ctx: TaskContext, inputs: TaskInputValues) => unknown };

/** A task as the DAG holds it: its serializable spec and its runtime. */
export interface DefinedTask {
  readonly spec: SerializedTask;
  readonly runtime: TaskRuntime;
  /** Its callbacks (own or from defaultArgs). */
  readonly callbacks: TaskCallbacks;
}
