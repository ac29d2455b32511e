// A TryJob for the task process pool's tests: run "r1", try 1, no conf, no inputs.
import { join } from "node:path";

export const tryJob = (folder: string, file: string, dagId: string, taskId: string) => ({
  path: join(folder, file),
  dagId,
  taskId,
  runId: "r1",
  tryNumber: 1,
  logicalDate: new Date().toISOString(),
  dataIntervalStart: null,
  dataIntervalEnd: null,
  conf: {},
  inputs: {},
});
