export * from "./plan-scheduled-runs.ts";
export * from "./select-runs-to-start.ts";
export * from "./select-task-instances.ts";
export * from "./explain-waiting.ts";
export * from "./find-lost-tries.ts";
export * from "./claim-rooms.ts";
