// Airflow's LatestOnlyOperator decision lives in @updraft/core (the SDK's latestOnly() task calls
// it where the try runs); re-exported here beside the other run and task limits.
export { isLatestRun, type LatestOnlyInput } from "@updraft/core";
