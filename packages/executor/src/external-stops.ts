// Stops tries whose task instance ended elsewhere while they ran: the run's dagrunTimeout skipped
// it, a user cleared or marked it, or it was declared lost. Checked on the running tries'
// heartbeat, as Airflow's LocalTaskJob terminates a task whose state was changed externally; the
// pool then kills the try's process (and its bash process groups). The try's own result would be
// refused anyway (fenced by state and try number); this stops its side effects.
import { errorMessage, type Logger } from "@updraft/core";
import { triesEndedElsewhere, type TryKey, type UpdraftDb } from "@updraft/db";

const keyOf = (k: TryKey) => `${k.dagId}\u0000${k.runId}\u0000${k.taskId}\u0000${k.tryNumber}`;

export class ExternalStops {
  private readonly tries = new Map<string, { key: TryKey; controller: AbortController }>();

  /** Follows a try from now on; its signal aborts once the try ended elsewhere. */
  track(key: TryKey): AbortSignal {
    const controller = new AbortController();
    this.tries.set(keyOf(key), { key, controller });
    return controller.signal;
  }

  untrack(key: TryKey): void {
    this.tries.delete(keyOf(key));
  }

  /**
   * Asks the database which followed tries ended elsewhere and aborts them.
   * @returns how many were stopped; a database error is logged and stops none
   */
  async check(db: UpdraftDb, logger: Logger): Promise<number> {
    if (this.tries.size === 0) return 0;
    let ended: TryKey[];
    try {
      ended = await triesEndedElsewhere(db, [...this.tries.values()].map((t) => t.key));
    } catch (error) {
      logger.warn({ err: errorMessage(error) }, "could not check the running tries' task instance states");
      return 0;
    }
    for (const key of ended) {
      const entry = this.tries.get(keyOf(key));
      if (!entry) continue;
      this.tries.delete(keyOf(key));
      logger.warn({ ti: key }, "stopping a try whose task instance ended elsewhere (run timed out, cleared or marked)");
      entry.controller.abort(new Error("the task instance's state was changed externally (its run timed out, or it was cleared or marked)"));
    }
    return ended.length;
  }
}
