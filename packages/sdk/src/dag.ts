// dag(options, build): defines a DAG. The builder function creates tasks and wires them; the
// result is validated at once (ids, cycles, dependencies, schedule) so a broken DAG file fails
// at import, where the loader records it as an import error.
import {
  UpdraftError,
  buildDagGraph,
  parseDuration,
  validateSchedule,
  assertParamSchema,
  validateRunParams,
  type ParamSchema,
  type DagGraph,
  type JsonValue,
  type SerializedDag,
} from "@updraft/core";
import { DagBuilder, ID_PATTERN, withBuilder } from "./builder.ts";
import { DAG_CALLBACKS, pickCallbacks, type DagCallbacks } from "./callbacks.ts";
import type { DagOptions } from "./options.ts";
import { isParam, type Param } from "./param.ts";
import type { DefinedTask } from "./runtime.ts";

const DAG_BRAND = Symbol.for("updraft.dag");

export class Dag {
  readonly [DAG_BRAND] = true;
  readonly dagId: string;
  readonly graph: DagGraph;
  private readonly definedTasks: ReadonlyMap<string, DefinedTask>;
  private readonly options: DagOptions;
  private readonly startDate: string | null;

  /** @internal Use dag(...). */
  constructor(options: DagOptions, tasks: DefinedTask[]) {
    this.dagId = options.dagId;
    this.options = options;
    this.startDate = normaliseStartDate(options);
    this.graph = buildDagGraph(options.dagId, tasks.map((t) => t.spec));
    this.definedTasks = new Map(tasks.map((t) => [t.spec.taskId, t]));
  }

  /** The DAG's params with their defaults (a copy); a typed param without a default is left out. */
  get params(): Record<string, JsonValue> {
    const out: Record<string, JsonValue> = {};
    for (const [name, value] of Object.entries(this.options.params ?? {})) {
      const plain = isParam(value) ? value.default : value;
      if (plain !== undefined) out[name] = structuredClone(plain);
    }
    return out;
  }

  /** JSON Schemas of the typed params, or undefined when there are none. */
  get paramSchemas(): Record<string, ParamSchema> | undefined {
    const typed = Object.entries(this.options.params ?? {}).filter(([, v]) => isParam(v)) as Array<[string, Param]>;
    return typed.length === 0 ? undefined : Object.fromEntries(typed.map(([name, p]) => [name, p.schema]));
  }

  /** The DAG's run callbacks (onSuccess, onFailure). */
  get callbacks(): DagCallbacks {
    return pickCallbacks(this.options as unknown as Record<string, unknown>, DAG_CALLBACKS) as DagCallbacks;
  }

  /** Task ids in dependency order. */
  get taskIds(): readonly string[] {
    return this.graph.order;
  }

  /** The task with this id; throws UPDRAFT_TASK_NOT_FOUND. */
  task(taskId: string): DefinedTask {
    const found = this.definedTasks.get(taskId);
    if (!found) {
      throw new UpdraftError("UPDRAFT_TASK_NOT_FOUND", `DAG "${this.dagId}" has no task "${taskId}"`, {
        details: { dagId: this.dagId, taskId },
      });
    }
    return found;
  }

  /** Plain-JSON form stored in the database; `fileloc` is the file relative to the DAGs folder. */
  serialize(fileloc: string): SerializedDag {
    const o = this.options;
    return {
      dagId: this.dagId,
      fileloc,
      description: o.description ?? null,
      schedule: o.schedule ?? null,
      startDate: this.startDate,
      catchup: o.catchup ?? false,
      maxActiveRuns: o.maxActiveRuns ?? null,
      maxActiveTasks: o.maxActiveTasks ?? null,
      tags: [...(o.tags ?? [])],
      params: this.params,
      ...(o.dagrunTimeout === undefined ? {} : { dagrunTimeoutMs: parseDuration(o.dagrunTimeout, `DAG "${this.dagId}": dagrunTimeout`) }),
      ...(this.paramSchemas ? { paramSchemas: this.paramSchemas } : {}),
      ...(Object.keys(this.callbacks).length > 0 ? { callbacks: DAG_CALLBACKS.filter((n) => this.callbacks[n] !== undefined) } : {}),
      tasks: this.graph.order.map((id) => this.task(id).spec),
    };
  }
}

/** True for a DAG defined with this SDK (or another copy of it). */
export function isDag(value: unknown): value is Dag {
  return typeof value === "object" && value !== null && DAG_BRAND in value;
}

/**
 * Defines a DAG. Create its tasks inside `build` with task(), bash(), branch(), sensor() and wire
 * them with chain() or by passing results as `inputs`.
 */
export function dag(options: DagOptions, build: () => void): Dag {
  if (typeof options?.dagId !== "string" || !ID_PATTERN.test(options.dagId)) {
    throw new UpdraftError("UPDRAFT_DAG_INVALID", `dagId must be 1-250 letters, digits, '_', '-' or '.', got ${JSON.stringify(options?.dagId)}`);
  }
  validateDagOptions(options);
  const builder = new DagBuilder(options.dagId, options.defaultArgs ?? {}, typeof options.schedule === "string" ? options.schedule : null);
  withBuilder(builder, build);
  return new Dag(options, builder.tasks());
}

function validateDagOptions(o: DagOptions): void {
  const invalid = (message: string) => new UpdraftError("UPDRAFT_DAG_INVALID", `DAG "${o.dagId}": ${message}`);
  if (o.schedule !== undefined && o.schedule !== null) {
    if (typeof o.schedule !== "string") throw invalid("schedule must be a cron string, a preset or null");
    validateSchedule(o.dagId, o.schedule);
    if (o.startDate === undefined) throw invalid(`has schedule "${o.schedule}" but no startDate`);
  }
  for (const key of ["maxActiveRuns", "maxActiveTasks"] as const) {
    const value = o[key];
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw invalid(`${key} must be a whole number >= 1, got ${String(value)}`);
    }
  }
  for (const name of DAG_CALLBACKS) {
    if (o[name] !== undefined && typeof o[name] !== "function") throw new UpdraftError("UPDRAFT_DAG_INVALID", `DAG "${o.dagId}": ${name} must be a function`);
  }
  if (o.dagrunTimeout !== undefined) parseDuration(o.dagrunTimeout, `DAG "${o.dagId}": dagrunTimeout`);
  if (o.params !== undefined) {
    try {
      JSON.stringify(o.params);
    } catch {
      throw invalid("params must be JSON values");
    }
    for (const [name, value] of Object.entries(o.params)) {
      if (!isParam(value)) continue;
      assertParamSchema(o.dagId, name, value.schema);
      if (value.default !== undefined) validateRunParams(o.dagId, {}, { [name]: value.schema }, { [name]: value.default });
    }
  }
}

function normaliseStartDate(o: DagOptions): string | null {
  if (o.startDate === undefined) return null;
  const raw = o.startDate;
  // A date-time string without a zone is read as UTC, not as the machine's local time.
  const date =
    raw instanceof Date
      ? raw
      : new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(raw) || !raw.includes("T") ? raw : `${raw}Z`);
  if (Number.isNaN(date.getTime())) {
    throw new UpdraftError("UPDRAFT_DAG_INVALID", `DAG "${o.dagId}": startDate ${JSON.stringify(raw)} is not a date`);
  }
  return date.toISOString();
}
