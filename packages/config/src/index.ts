// Public surface of @updraft/config: the environment contract (schema and variable list) and
// the loader that turns the environment into a frozen UpdraftConfig.
export * from "./schema.ts";
export * from "./load.ts";
