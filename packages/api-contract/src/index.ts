export { toDagResponse } from "./dags.ts";
export type { DagDefaults, DagRecord, DagResponse } from "./dags.ts";
export { toImportErrorResponse } from "./import-errors.ts";
export type { ImportErrorRecord, ImportErrorResponse } from "./import-errors.ts";
