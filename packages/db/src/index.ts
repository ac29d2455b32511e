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
