// The key of a DAG run in the scheduler's in-memory maps ("dagId\0runId").
export const runKey = (dagId: string, runId: string): string => `${dagId}\u0000${runId}`;
