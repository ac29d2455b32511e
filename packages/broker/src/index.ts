export { Broker, TRY_JOB } from "./broker.ts";
export type { BrokerOptions } from "./broker.ts";
export { DistributedExecutor } from "./distributed-executor.ts";
export { jobIdFor } from "./job-id.ts";
export { fromJobData, toJobData } from "./job-data.ts";
export type { TryJobData } from "./job-data.ts";
export { deleteBrokerKeys } from "./delete-broker-keys.ts";
