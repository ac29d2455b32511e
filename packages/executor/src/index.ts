export { runTry } from "./run-try.ts";
export type { TryRequest } from "./run-try.ts";
export { runBash } from "./run-bash.ts";
export { runDagSequentially, systemClock } from "./sequential-executor.ts";
export type { Clock, RunReporter, SequentialRunOptions, SequentialRunResult, TaskInstanceReport } from "./sequential-executor.ts";
export type { LogLine, LogSink, LogStream, TryOutcome } from "./task-outcome.ts";
export { LocalExecutor } from "./local/local-executor.ts";
export type { LocalExecutorOptions } from "./local/local-executor.ts";
export { TaskProcessPool } from "./local/process-pool.ts";
