// While a dag(...) builder function runs, tasks register with the active DagBuilder (as in
// Airflow's `with DAG(...)` block). The builder turns options into serialized specs, records edges
// and checks that handles belong to this DAG.
import { UpdraftError, parseDuration, isTriggerRule, type SerializedSensor, type SerializedTask } from "@updraft/core";
import { pickCallbacks, TASK_CALLBACKS, type TaskCallbacks } from "./callbacks.ts";
import type { DefaultArgs, TaskOptions } from "./options.ts";
import type { TaskRuntime } from "./runtime.ts";
import type { InputHandles, TaskHandle } from "./task-handle.ts";

export const ID_PATTERN = /^[A-Za-z0-9_.-]{1,250}$/;

interface Draft {
  spec: Omit<SerializedTask, "upstream">;
  upstream: Set<string>;
  runtime: TaskRuntime;
  callbacks: TaskCallbacks;
}

class Handle implements TaskHandle<unknown> {
  constructor(
    readonly taskId: string,
    readonly dagId: string,
    readonly builder: DagBuilder,
  ) {}
  toString(): string {
    return `<task ${this.dagId}.${this.taskId}>`;
  }
}

export class DagBuilder {
  readonly drafts: Draft[] = [];
  private readonly byHandle = new Map<TaskHandle<unknown>, Draft>();

  constructor(
    readonly dagId: string,
    private readonly defaults: DefaultArgs,
    /** The DAG's schedule (cron or preset), null for none: latestOnly() reads it. */
    readonly schedule: string | null = null,
  ) {}

  addTask(
    options: TaskOptions & { inputs?: InputHandles },
    runtime: TaskRuntime,
    sensor: SerializedSensor | null = null,
  ): TaskHandle<never> {
    const merged = { ...this.defaults, ...options };
    const spec = toSpec(this.dagId, merged, runtime, sensor);
    const callbacks = pickCallbacks(merged as Record<string, unknown>, TASK_CALLBACKS) as TaskCallbacks;
    for (const name of TASK_CALLBACKS) {
      if (merged[name] !== undefined && typeof merged[name] !== "function") {
        throw new UpdraftError("UPDRAFT_DAG_INVALID", `task "${spec.taskId}" of DAG "${this.dagId}": ${name} must be a function`);
      }
    }
    // The spec records which callbacks exist (the scheduler runs onFailure/onRetry of lost tries).
    if (Object.keys(callbacks).length > 0) spec.callbacks = TASK_CALLBACKS.filter((n) => callbacks[n] !== undefined);
    const draft: Draft = { spec, upstream: new Set(), runtime, callbacks };
    for (const [name, handle] of Object.entries(options.inputs ?? {})) {
      spec.inputs[name] = this.resolve(handle, `input "${name}" of task "${spec.taskId}"`).spec.taskId;
      draft.upstream.add(handle.taskId);
    }
    const handle = new Handle(spec.taskId, this.dagId, this);
    this.drafts.push(draft);
    this.byHandle.set(handle, draft);
    return handle as TaskHandle<never>;
  }

  addEdge(upstream: TaskHandle<unknown>, downstream: TaskHandle<unknown>): void {
    const up = this.resolve(upstream, `a dependency of "${downstream.taskId}"`);
    this.resolve(downstream, `a dependent of "${upstream.taskId}"`).upstream.add(up.spec.taskId);
  }

  tasks(): Array<{ spec: SerializedTask; runtime: TaskRuntime; callbacks: TaskCallbacks }> {
    return this.drafts.map((d) => ({ spec: { ...d.spec, upstream: [...d.upstream].sort() }, runtime: d.runtime, callbacks: d.callbacks }));
  }

  private resolve(handle: TaskHandle<unknown>, role: string): Draft {
    const draft = this.byHandle.get(handle);
    if (!draft) {
      const where = handle instanceof Handle ? `DAG "${handle.dagId}"` : "no DAG";
      throw new UpdraftError(
        "UPDRAFT_DAG_UNKNOWN_DEPENDENCY",
        `${role} in DAG "${this.dagId}" is task "${String(handle?.taskId)}" of ${where}, not of this DAG`,
        { details: { dagId: this.dagId, taskId: handle?.taskId } },
      );
    }
    return draft;
  }
}

let active: DagBuilder | null = null;

/** Runs `build` with `builder` active; nested dag(...) definitions are refused. */
export function withBuilder(builder: DagBuilder, build: () => void): void {
  if (active) {
    throw new UpdraftError(
      "UPDRAFT_DAG_INVALID",
      `dag "${builder.dagId}" is defined inside the builder of dag "${active.dagId}"; define DAGs side by side`,
    );
  }
  active = builder;
  try {
    const returned: unknown = (build as () => unknown)();
    if (returned instanceof Promise) {
      throw new UpdraftError(
        "UPDRAFT_DAG_INVALID",
        `the builder of dag "${builder.dagId}" is async; define tasks synchronously and put async work inside tasks`,
      );
    }
  } finally {
    active = null;
  }
}

export function activeBuilder(caller: string): DagBuilder {
  if (!active) {
    throw new UpdraftError("UPDRAFT_TASK_OUTSIDE_DAG", `${caller}(...) was called outside a dag(...) builder`);
  }
  return active;
}

function toSpec(
  dagId: string,
  o: TaskOptions,
  runtime: TaskRuntime,
  sensor: SerializedSensor | null,
): Omit<SerializedTask, "upstream"> {
  const where = `task "${o.taskId}" of DAG "${dagId}"`;
  const invalid = (message: string) => new UpdraftError("UPDRAFT_DAG_INVALID", `${where}: ${message}`);
  if (typeof o.taskId !== "string" || !ID_PATTERN.test(o.taskId)) {
    throw invalid("taskId must be 1-250 letters, digits, '_', '-' or '.'");
  }
  const wholeNumber = (value: number | undefined, name: string, fallback: number, min: number): number => {
    const n = value ?? fallback;
    if (!Number.isInteger(n) || n < min) throw invalid(`${name} must be a whole number >= ${min}, got ${String(value)}`);
    return n;
  };
  const name = (value: string | undefined, option: string, fallback: string): string => {
    const s = value ?? fallback;
    if (typeof s !== "string" || s.trim() === "") throw invalid(`${option} must be a non-empty string`);
    return s;
  };
  const triggerRule = o.triggerRule ?? "all_success";
  if (!isTriggerRule(triggerRule)) throw invalid(`triggerRule "${String(triggerRule)}" is not a trigger rule`);
  return {
    taskId: o.taskId,
    kind: runtime.kind,
    inputs: {},
    bashCommand: runtime.kind === "bash" && typeof runtime.command === "string" ? runtime.command : null,
    retries: wholeNumber(o.retries, "retries", 0, 0),
    retryDelayMs: parseDuration(o.retryDelay ?? 300, `${where}: retryDelay`),
    retryExponentialBackoff: o.retryExponentialBackoff ?? false,
    maxRetryDelayMs: o.maxRetryDelay === undefined ? null : parseDuration(o.maxRetryDelay, `${where}: maxRetryDelay`),
    executionTimeoutMs:
      o.executionTimeout === undefined ? null : parseDuration(o.executionTimeout, `${where}: executionTimeout`),
    queue: name(o.queue, "queue", "default"),
    pool: name(o.pool, "pool", "default_pool"),
    poolSlots: wholeNumber(o.poolSlots, "poolSlots", 1, 1),
    priorityWeight: wholeNumber(o.priorityWeight, "priorityWeight", 1, Number.MIN_SAFE_INTEGER),
    triggerRule,
    sensor,
    doc: o.doc ?? null,
    // Left out at their defaults, so existing DAGs keep their serialized hash.
    ...(o.dependsOnPast || o.waitForDownstream ? { dependsOnPast: true } : {}),
    ...(o.waitForDownstream ? { waitForDownstream: true } : {}),
    ...(o.maxActiveTisPerDag === undefined ? {} : { maxActiveTisPerDag: wholeNumber(o.maxActiveTisPerDag, "maxActiveTisPerDag", 1, 1) }),
  };
}
