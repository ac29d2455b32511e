// param(default, schema): a typed run parameter, as Airflow's `Param(5, type="integer", minimum=3)`.
// The schema is JSON Schema; a manual run's value is validated against it when the run is
// triggered (API and CLI answer 400 naming the param) and the dashboard's trigger form renders it.
import type { JsonValue, ParamSchema } from "@updraft/core";

const PARAM_BRAND = Symbol.for("updraft.param");

/** A DAG param with a JSON Schema. Create it with {@link param}. */
export interface Param<T extends JsonValue = JsonValue> {
  readonly [PARAM_BRAND]: true;
  /** The value when the run's conf does not set it; undefined makes the param required. */
  readonly default: T | undefined;
  readonly schema: ParamSchema;
}

/**
 * A typed param: `param(3, { type: "integer", minimum: 1, maximum: 10 })`,
 * `param("full", { enum: ["full", "delta"] })`, `param("2024-01-01", { type: "string", format: "date" })`.
 * @param defaultValue the value unless the run's conf sets it; `undefined` makes the param required.
 * @param schema JSON Schema of the value. @defaultValue {} // any JSON value
 */
export function param<T extends JsonValue>(defaultValue: T | undefined, schema: ParamSchema = {}): Param<T> {
  return { [PARAM_BRAND]: true, default: defaultValue, schema: { ...schema } };
}

/** True for a value made by {@link param}. */
export function isParam(value: unknown): value is Param {
  return typeof value === "object" && value !== null && PARAM_BRAND in value;
}
