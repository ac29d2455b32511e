export * from "./decisions/index.ts";
export { Scheduler } from "./scheduler.ts";
export type { SchedulerLimits, SchedulerOptions } from "./scheduler.ts";
export { processDagsFolder } from "./dag-processor.ts";
export type { DagProcessingOptions } from "./dag-processor.ts";
export { DagCache } from "./store/dag-cache.ts";
export { claimTaskInstances } from "./store/claim-store.ts";
export { createBackfillRuns } from "./backfill.ts";
export { explainTaskInstance } from "./store/explain-store.ts";
