// Query keys, arranged so one live event invalidates exactly what it touches: everything about a
// run sits under ["dag", dagId, "run", runId], a DAG's run lists under ["dag", dagId, "runs"].
export const keys = {
  me: ["me"] as const,
  dags: ["dags"] as const,
  importErrors: ["importErrors"] as const,
  dag: (dagId: string) => ["dag", dagId] as const,
  dagInfo: (dagId: string) => ["dag", dagId, "info"] as const,
  dagDetail: (dagId: string) => ["dag", dagId, "detail"] as const,
  dagSource: (dagId: string) => ["dag", dagId, "source"] as const,
  runs: (dagId: string, limit: number) => ["dag", dagId, "runs", limit] as const,
  runsOf: (dagId: string) => ["dag", dagId, "runs"] as const,
  run: (dagId: string, runId: string) => ["dag", dagId, "run", runId] as const,
  runInfo: (dagId: string, runId: string) => ["dag", dagId, "run", runId, "info"] as const,
  taskInstances: (dagId: string, runId: string) => ["dag", dagId, "run", runId, "tis"] as const,
  tries: (dagId: string, runId: string) => ["dag", dagId, "run", runId, "tries"] as const,
  taskInstance: (dagId: string, runId: string, taskId: string) => ["dag", dagId, "run", runId, "ti", taskId] as const,
  dependencies: (dagId: string, runId: string, taskId: string) => ["dag", dagId, "run", runId, "ti", taskId, "deps"] as const,
  workers: ["workers"] as const,
  worker: (name: string) => ["workers", name] as const,
  pools: ["pools"] as const,
  users: ["users"] as const,
};
