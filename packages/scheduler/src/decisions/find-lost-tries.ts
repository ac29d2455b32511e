// Tries that nobody is working on any more. A running try whose heartbeat stopped belongs to a
// worker that died (a "zombie", as Airflow calls it); a queued try that no worker started within
// a while may have been lost by the broker. Pure: the caller passes the clock and thresholds.
//
// Two signals decide a running try's loss, so a slow machine is never mistaken for a dead one:
// the try's heartbeat row (written by the worker on its own timer and connection) and, where the
// executor has one, whether the worker still holds the try (the BullMQ job lock it renews). A try
// is lost when its heartbeat is silent AND nobody holds it, or when its heartbeat has been silent
// so long that the holder, if any, is cut off from the database anyway.

export interface RunningTry {
  lastHeartbeatAt: Date | null;
  startDate: Date | null;
}

export interface QueuedTry {
  queuedAt: Date | null;
}

export interface LossThresholds {
  /** Silence after which a try nobody holds is lost (the fast path, both signals agree). */
  fastAfterMs: number;
  /** Silence after which a try is lost when the holder cannot be asked (Redis away, no broker). */
  slowAfterMs: number;
  /** Silence after which a try is lost even though its worker still holds it (cut off from Postgres). */
  heldAfterMs: number;
}

/**
 * How long the try has shown no sign of life, in ms: since its last heartbeat (its start counts as
 * the first), but never counted from before `notBefore` — the moment this scheduler could last
 * see the database after an outage of its own (or started), since heartbeats written while it
 * was blind are not evidence of anything. A try with neither date is silent since `notBefore`.
 */
export function silenceMs(ti: RunningTry, now: Date, notBefore: Date): number {
  const last = ti.lastHeartbeatAt ?? ti.startDate ?? notBefore;
  return now.getTime() - Math.max(last.getTime(), notBefore.getTime());
}

/** Whether the try's holder must be asked: it is silent past the fast threshold. */
export function needsHolderCheck(silence: number, thresholds: LossThresholds): boolean {
  return silence > thresholds.fastAfterMs;
}

/**
 * Whether a silent try is lost, given what its holder check said (true held, false not held,
 * undefined could not tell).
 */
export function isLost(silence: number, held: boolean | undefined, thresholds: LossThresholds): boolean {
  if (held === false) return silence > thresholds.fastAfterMs;
  if (held === true) return silence > thresholds.heldAfterMs;
  return silence > thresholds.slowAfterMs;
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
