// A TaskHandle is what task(), bash(), branch() and sensor() return: a reference to a task of
// the DAG being defined that carries the type of its result, so a downstream task's inputs are
// typed from it. The result type is a phantom: it exists only for the compiler.

declare const RESULT_TYPE: unique symbol;

export interface TaskHandle<TResult = unknown> {
  readonly taskId: string;
  readonly dagId: string;
  /** Phantom carrier of the task's result type; never set at run time. */
  readonly [RESULT_TYPE]?: TResult;
}

/** The result type a handle carries. */
export type ResultOf<H> = H extends TaskHandle<infer R> ? R : never;

/** Upstream handles passed to a task by name: `{ inputs: { rows: extract } }`. */
export type InputHandles = Record<string, TaskHandle<unknown>>;

/** What the task function receives for `InputHandles`: each upstream task's (awaited) result. */
export type ResolvedInputs<I extends InputHandles> = { readonly [K in keyof I]: ResultOf<I[K]> };
