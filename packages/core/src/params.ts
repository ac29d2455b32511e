// Typed run params, as Airflow's `Param`: a default plus a JSON Schema (type, enum, format,
// minimum/maximum, ...). A manual run's params (the DAG's defaults with the run's conf over them)
// are validated when the run is triggered, so a bad value is a 400 naming the param, not a
// failed task later.
import type * as AjvModule from "ajv";
import type { Ajv, ValidateFunction } from "ajv";
import { UpdraftError } from "./errors.ts";
import { lazyModule } from "./lazy-module.ts";
import type { JsonValue, ParamSchema } from "./serialized-dag.ts";

// ajv and its formats load on first use: a process that never meets a typed param (a task
// process, most workers) would otherwise carry them, several MiB of RSS each.
const ajvModule = lazyModule<typeof AjvModule>(import.meta.url, "ajv");
const ajvFormats = lazyModule<{ default: (instance: Ajv) => unknown }>(import.meta.url, "ajv-formats");
let ajvInstance: Ajv | undefined;
function validatorCompiler(): Ajv {
  if (!ajvInstance) {
    ajvInstance = new (ajvModule().Ajv)({ allErrors: false, strict: false });
    ajvFormats().default(ajvInstance);
  }
  return ajvInstance;
}
const compiled = new Map<string, ValidateFunction>();

function validatorFor(schema: ParamSchema): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    validate = validatorCompiler().compile(schema);
    compiled.set(key, validate);
  }
  return validate;
}

/**
 * Checks that `schema` is a JSON Schema ajv can compile (the SDK calls it when a DAG is defined).
 * @throws UPDRAFT_DAG_INVALID naming the param.
 */
export function assertParamSchema(dagId: string, name: string, schema: ParamSchema): void {
  try {
    validatorFor(schema);
  } catch (error) {
    throw new UpdraftError("UPDRAFT_DAG_INVALID", `DAG "${dagId}": param "${name}" has an invalid JSON Schema: ${(error as Error).message}`);
  }
}

/**
 * Validates a run's params: each param with a schema, taking the run's conf value over the DAG's
 * default. A param without a value at all is missing (Airflow's Param without a default).
 * @throws UPDRAFT_PARAM_INVALID naming the first invalid param (status 400).
 */
export function validateRunParams(
  dagId: string,
  defaults: Readonly<Record<string, JsonValue>>,
  schemas: Readonly<Record<string, ParamSchema>> | undefined,
  conf: Readonly<Record<string, unknown>>,
): void {
  for (const [name, schema] of Object.entries(schemas ?? {})) {
    const value = name in conf ? conf[name] : defaults[name];
    const details = { dagId, param: name, schema };
    if (value === undefined) {
      throw new UpdraftError("UPDRAFT_PARAM_INVALID", `param "${name}" of DAG "${dagId}" has no value and no default`, { details });
    }
    const validate = validatorFor(schema);
    if (!validate(value)) {
      const issue = validate.errors?.[0];
      throw new UpdraftError("UPDRAFT_PARAM_INVALID", `param "${name}" of DAG "${dagId}" ${issue?.message ?? "is invalid"} (got ${JSON.stringify(value)})`, {
        details,
      });
    }
  }
}
