// The whole database schema; drizzle-kit generates migrations from this file, and the client
// passes it to drizzle so `db.query.<table>` works with either driver.
export * from "./dags.ts";
export * from "./dag-runs.ts";
export * from "./task-instances.ts";
export * from "./xcom.ts";
export * from "./task-logs.ts";
export * from "./import-errors.ts";
export * from "./pools.ts";
export * from "./users.ts";
export * from "./workers.ts";
export * from "./sessions.ts";
export * from "./event-log.ts";
export * from "./rate-limits.ts";
export * from "./variables.ts";
export * from "./connections.ts";
