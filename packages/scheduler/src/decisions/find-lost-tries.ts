// Tries that nobody is working on any more. A running try whose heartbeat stopped belongs to a
// worker that died (a "zombie", as Airflow calls it); a queued try that no worker started within
// a while may have been lost by the broker. Pure: the caller passes the clock and thresholds.

export interface RunningTry {
  lastHeartbeatAt: Date | null;
  startDate: Date | null;
}

export interface QueuedTry {
  queuedAt: Date | null;
}

/** Running tries with no heartbeat for longer than `afterMs` (the start counts as the first beat). */
export function isZombie(ti: RunningTry, now: Date, afterMs: number): boolean {
  const last = ti.lastHeartbeatAt ?? ti.startDate;
  return last === null || now.getTime() - last.getTime() > afterMs;
}

/** Queued tries waiting longer than `afterMs`: worth checking that their job still exists. */
export function isStaleQueued(ti: QueuedTry, now: Date, afterMs: number): boolean {
  return ti.queuedAt === null || now.getTime() - ti.queuedAt.getTime() > afterMs;
}
