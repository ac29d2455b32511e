// The heartbeat of a process that runs tries — a distributed worker or the local executor: its
// worker-registry row with the tries it finished since the last beat, its running tries'
// heartbeat, and the check that stops tries ended elsewhere. One outage is logged once each way.
import { errorMessage, type Logger } from "@updraft/core";
import { heartbeatRunningTries, heartbeatWorker, type UpdraftDb } from "@updraft/db";
import { ExternalStops } from "./external-stops.ts";
import type { RecordedTry } from "./record-try.ts";

export class WorkerHeartbeat {
  /** The running tries to stop once their task instance ended elsewhere (pass it to runAndRecordTry). */
  readonly stops = new ExternalStops();
  private counters = { processed: 0, succeeded: 0, failed: 0 };
  private failing = false;

  /** @param name the worker's registry name (also the task instances' worker_name) */
  constructor(private readonly options: { name: string; logger: Logger }) {}

  /** Counts a recorded try for the next beat (a refused report counts nothing). */
  count(recorded: RecordedTry): void {
    if (recorded.outcome === "refused") return;
    this.counters.processed++;
    if (recorded.outcome.state === "failed") this.counters.failed++;
    else this.counters.succeeded++;
  }

  /**
   * One beat on `db` with `active` tries running. A failed beat keeps its counts for the next one
   * and is logged once until a beat succeeds again; it never throws.
   */
  async beat(db: UpdraftDb, active: number): Promise<void> {
    const { name, logger } = this.options;
    const counters = this.counters;
    this.counters = { processed: 0, succeeded: 0, failed: 0 };
    try {
      await heartbeatWorker(db, name, { active, ...counters });
      if (active > 0) await heartbeatRunningTries(db, name);
      if (active > 0) await this.stops.check(db, logger);
      if (this.failing) logger.info({ name }, "worker heartbeats resumed");
      this.failing = false;
    } catch (error) {
      // Keep the counts for the next beat; the database may be back by then.
      this.counters.processed += counters.processed;
      this.counters.succeeded += counters.succeeded;
      this.counters.failed += counters.failed;
      if (!this.failing) logger.warn({ err: errorMessage(error) }, "worker heartbeat failed; retrying every beat");
      this.failing = true;
    }
  }
}
