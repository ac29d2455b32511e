// Variable.get inside tasks, as Airflow's `Variable.get`: the environment (`UPDRAFT_VAR_<KEY>`,
// as AIRFLOW_VAR_) first, then the metadata database. A value under a sensitive key name
// (password, secret, token, api_key, ...) is masked as *** in the try's log.
import { UpdraftError, isSensitiveKey, maskSecret } from "@updraft/core";
import { currentSecretsLookup } from "./lookup.ts";

/** Options of {@link Variable.get}. */
export interface VariableGetOptions<T> {
  /** Returned when the variable exists nowhere. @defaultValue undefined // then it throws */
  default?: T;
  /** Parse the stored text as JSON (Airflow's `deserialize_json`). @defaultValue false */
  deserializeJson?: boolean;
}

/** The environment variable that overrides the stored variable `key`: `UPDRAFT_VAR_<KEY upper-cased>`. */
export function variableEnvName(key: string): string {
  return `UPDRAFT_VAR_${key.toUpperCase()}`;
}

export const Variable = {
  /**
   * The value of variable `key`: from `UPDRAFT_VAR_<KEY>` if set, else from the metadata database.
   * Call it inside a task (at DAG-file import time there is no database).
   * @throws UPDRAFT_VARIABLE_NOT_FOUND when it exists nowhere and no default was given;
   *   SyntaxError when `deserializeJson` is set and the value is not JSON.
   */
  async get<T = string>(key: string, options: VariableGetOptions<T> = {}): Promise<T> {
    // The task process's own environment: the executor's, a worker's or the `dags test` shell's.
    let raw: string | null | undefined = process.env[variableEnvName(key)];
    if (raw === undefined) raw = (await currentSecretsLookup()?.variable(key)) ?? null;
    if (raw === null) {
      if ("default" in options) return options.default as T;
      throw new UpdraftError("UPDRAFT_VARIABLE_NOT_FOUND", `Variable "${key}" does not exist`, { details: { key } });
    }
    if (isSensitiveKey(key)) maskSecret(raw);
    return (options.deserializeJson ? JSON.parse(raw) : raw) as T;
  },
};
