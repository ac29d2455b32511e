// The pool resource with Airflow's v1 fields; the slot counts come from the task instances that
// hold or await a slot (running, queued).

export interface PoolResponse {
  name: string;
  slots: number;
  description: string | null;
  occupied_slots: number;
  running_slots: number;
  queued_slots: number;
  open_slots: number;
}

export interface PoolRecord {
  name: string;
  slots: number;
  description: string | null;
}

export function toPoolResponse(record: PoolRecord, usage: { running: number; queued: number } = { running: 0, queued: 0 }): PoolResponse {
  const occupied = usage.running + usage.queued;
  return {
    name: record.name,
    slots: record.slots,
    description: record.description,
    occupied_slots: occupied,
    running_slots: usage.running,
    queued_slots: usage.queued,
    // Negative when a pool was shrunk below what is in use; Airflow reports that the same way.
    open_slots: record.slots - occupied,
  };
}
