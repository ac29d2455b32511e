// The task factories: task() for a TypeScript function, bash() for a shell command, branch() to
// choose which downstream tasks run, sensor() to wait for a condition. Each registers with the
// DAG being defined and returns a handle typed by the task's result.
import { parseDuration, type Duration } from "@updraft/core";
import { activeBuilder } from "./builder.ts";
import type { TaskContext } from "./context.ts";
import type { TaskOptions } from "./options.ts";
import type { TaskInputValues } from "./runtime.ts";
import type { InputHandles, ResolvedInputs, TaskHandle } from "./task-handle.ts";
import type { XComReturn } from "./xcom-type.ts";

type NoInputs = Record<never, never>;

/** Options of a task whose function receives upstream results as `inputs`. */
export type TaskWithInputsOptions<I extends InputHandles> = TaskOptions & {
  /**
   * Upstream tasks whose results the function receives, by name. Each also becomes an upstream
   * dependency, so there is no need to chain them too.
   * @defaultValue {}
   */
  inputs?: I;
};

/**
 * A task that runs a TypeScript function. Its (awaited) return value is the task's result (XCom),
 * which must be a JSON value: a return type with a Date, Map, Set, BigInt, function or the like
 * does not compile (XComSafe), and NaN, Infinity or text the database cannot store fails the try.
 * Downstream tasks receive it typed through `inputs`.
 */
export function task<I extends InputHandles = NoInputs, R = unknown>(
  options: TaskWithInputsOptions<I>,
  fn: (ctx: TaskContext, inputs: ResolvedInputs<I>) => R & XComReturn<R>,
): TaskHandle<Awaited<R>> {
  return activeBuilder("task").addTask(options, {
    kind: "task",
    run: fn as (ctx: TaskContext, inputs: TaskInputValues) => unknown,
  });
}

export interface BashOptions<I extends InputHandles> extends TaskWithInputsOptions<I> {
  /** The command, run by `bash -c`; a function builds it from the context and inputs. */
  command: string | ((ctx: TaskContext, inputs: ResolvedInputs<I>) => string);
  /** Extra environment variables, added to the worker's own. @defaultValue {} */
  env?: Record<string, string>;
  /** Working directory. @defaultValue a fresh temporary directory per try */
  cwd?: string;
  /** Exit code that ends the task as skipped instead of failed. @defaultValue 99 */
  skipOnExitCode?: number;
}

/**
 * A task that runs a shell command. A non-zero exit fails the try; the last line the command
 * writes to stdout is its result, as with Airflow's BashOperator.
 */
export function bash<I extends InputHandles = NoInputs>(options: BashOptions<I>): TaskHandle<string> {
  const { command, env, cwd, skipOnExitCode, ...taskOptions } = options;
  return activeBuilder("bash").addTask(taskOptions, {
    kind: "bash",
    command: command as string | ((ctx: TaskContext, inputs: TaskInputValues) => string),
    env,
    cwd,
    skipOnExitCode: skipOnExitCode ?? 99,
  });
}

/** What a branch function returns: the downstream task(s) to follow, by handle or id; none skips all. */
export type BranchChoice = TaskHandle<unknown> | string | ReadonlyArray<TaskHandle<unknown> | string> | null | undefined;

/**
 * A task that chooses which of its direct downstream tasks run; the others are skipped (and
 * their own downstream tasks follow their trigger rules). Its result is the list of followed ids.
 */
export function branch<I extends InputHandles = NoInputs>(
  options: TaskWithInputsOptions<I>,
  choose: (ctx: TaskContext, inputs: ResolvedInputs<I>) => BranchChoice | Promise<BranchChoice>,
): TaskHandle<string[]> {
  return activeBuilder("branch").addTask(options, {
    kind: "branch",
    choose: choose as (ctx: TaskContext, inputs: TaskInputValues) => unknown,
  });
}

export interface SensorOptions<I extends InputHandles> extends TaskWithInputsOptions<I> {
  /** Time between two pokes. @defaultValue 60 // seconds */
  pokeInterval?: Duration;
  /** Give up after this long: the task fails (or is skipped with `softFail`). @defaultValue 604800 // seconds (7 days) */
  timeout?: Duration;
  /** Skip instead of failing when the timeout passes. @defaultValue false */
  softFail?: boolean;
}

/** Values of a poke that mean "not yet". */
type NotYet = false | null | undefined | 0 | "";

/**
 * A task that pokes a condition every `pokeInterval` until it returns a truthy value, which
 * becomes the task's result, or until `timeout`.
 */
export function sensor<I extends InputHandles = NoInputs, R = boolean>(
  options: SensorOptions<I>,
  poke: (ctx: TaskContext, inputs: ResolvedInputs<I>) => R,
): TaskHandle<Exclude<Awaited<R>, NotYet>> {
  const { pokeInterval, timeout, softFail, ...taskOptions } = options;
  const where = `sensor "${options.taskId}"`;
  return activeBuilder("sensor").addTask(
    taskOptions,
    { kind: "sensor", poke: poke as (ctx: TaskContext, inputs: TaskInputValues) => unknown },
    {
      pokeIntervalMs: parseDuration(pokeInterval ?? 60, `${where}: pokeInterval`),
      timeoutMs: parseDuration(timeout ?? 604_800, `${where}: timeout`),
      softFail: softFail ?? false,
    },
  );
}
