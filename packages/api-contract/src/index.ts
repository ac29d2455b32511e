export { fileToken, filelocOfToken, toDagResponse, toScheduleInterval } from "./dags.ts";
export type { CronExpression, DagDefaults, DagRecord, DagResponse } from "./dags.ts";
export { toImportErrorResponse } from "./import-errors.ts";
export type { ImportErrorRecord, ImportErrorResponse } from "./import-errors.ts";
export { isoOrNull, toDagRunResponse } from "./dag-runs.ts";
export type { DagRunRecord, DagRunResponse } from "./dag-runs.ts";
export { toClearedTaskInstanceResponse, toTaskInstanceResponse, toTaskInstanceTryResponse } from "./task-instances.ts";
export type {
  ClearedTaskInstanceResponse,
  TaskInstanceRecord,
  TaskInstanceResponse,
  TaskInstanceTryRecord,
  TaskInstanceTryResponse,
} from "./task-instances.ts";
export { toPoolResponse } from "./pools.ts";
export type { PoolRecord, PoolResponse } from "./pools.ts";
export { toUserResponse } from "./users.ts";
export type { UserRecord, UserResponse } from "./users.ts";
export { toLogResponse } from "./logs.ts";
export type { LogResponse } from "./logs.ts";
