// Public API of @updraft/db: the schema (also as the `schema` namespace), the client factory,
// migrations, and the repositories other packages use instead of writing SQL themselves.
export * as schema from "./schema/index.ts";
export * from "./schema/index.ts";
export * from "./client.ts";
export * from "./migrations.ts";
export { isUniqueViolation, maskDatabaseUrl, sqlStateOf } from "./pg-errors.ts";
export * from "./repositories/dags.ts";
export * from "./repositories/import-errors.ts";
export * from "./repositories/users.ts";
export * from "./repositories/pools.ts";
export * from "./notify.ts";
export * from "./repositories/dag-runs.ts";
export * from "./repositories/dag-search.ts";
export * from "./repositories/task-instances.ts";
export * from "./repositories/task-logs.ts";
export * from "./repositories/pool-usage.ts";
export * from "./repositories/scheduler-jobs.ts";
export * from "./repositories/import-error-pages.ts";
export * from "./repositories/task-lifecycle.ts";
export * from "./repositories/workers.ts";
export * from "./repositories/run-tries.ts";
export * from "./repositories/live-changes.ts";
export * from "./repositories/metrics-queries.ts";
export * from "./repositories/worker-registry.ts";
export * from "./repositories/variables.ts";
export * from "./repositories/connections.ts";
export * from "./repositories/notes.ts";
export { FernetCipher, cipherFor, generateFernetKey } from "./secrets/fernet-cipher.ts";
