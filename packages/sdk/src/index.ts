// @updraft/sdk: everything a DAG file imports.
export { dag, isDag, Dag } from "./dag.ts";
export { task, bash, branch, sensor } from "./tasks.ts";
export type { BashOptions, BranchChoice, SensorOptions, TaskWithInputsOptions } from "./tasks.ts";
export { chain } from "./chain.ts";
export type { ChainLink } from "./chain.ts";
export { skip, isTaskSkipped, TaskSkipped } from "./context.ts";
export type { TaskContext } from "./context.ts";
export type { DagOptions, TaskOptions, DefaultArgs } from "./options.ts";
export type { TaskHandle, ResultOf, InputHandles, ResolvedInputs } from "./task-handle.ts";
export type { TaskRuntime, DefinedTask, TaskInputValues } from "./runtime.ts";
export { normaliseBranchChoice } from "./branch-choice.ts";
export type { Duration, TriggerRule, JsonValue } from "@updraft/core";
export { Variable, variableEnvName } from "./secrets/variable.ts";
export type { VariableGetOptions } from "./secrets/variable.ts";
export { Connection, connectionEnvName, parseConnectionEnv } from "./secrets/connection.ts";
export { installSecretsLookup, currentSecretsLookup } from "./secrets/lookup.ts";
export type { SecretsLookup, ConnectionLookupResult } from "./secrets/lookup.ts";
