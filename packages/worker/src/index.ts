export { UpdraftWorker } from "./worker.ts";
export type { WorkerOptions } from "./worker.ts";
