// What travels through Redis: the queued task instance, with dates as ISO strings. Postgres stays
// the source of truth; a job only says "run this try".
import type { QueuedTaskInstance } from "@updraft/core";

export type TryJobData = Omit<QueuedTaskInstance, "logicalDate" | "dataIntervalStart" | "dataIntervalEnd"> & {
  logicalDate: string;
  dataIntervalStart: string | null;
  dataIntervalEnd: string | null;
};

export function toJobData(ti: QueuedTaskInstance): TryJobData {
  return {
    ...ti,
    logicalDate: ti.logicalDate.toISOString(),
    dataIntervalStart: ti.dataIntervalStart?.toISOString() ?? null,
    dataIntervalEnd: ti.dataIntervalEnd?.toISOString() ?? null,
  };
}

export function fromJobData(data: TryJobData): QueuedTaskInstance {
  return {
    ...data,
    logicalDate: new Date(data.logicalDate),
    dataIntervalStart: data.dataIntervalStart ? new Date(data.dataIntervalStart) : null,
    dataIntervalEnd: data.dataIntervalEnd ? new Date(data.dataIntervalEnd) : null,
  };
}
