// Keeps the planner statistics of task_instances (and dag_runs) in step with what the scheduler
// changes: counts the task instances it creates, moves and claims, and when analyzeDue says so
// runs ANALYZE (right after starting runs, and at the end of a pass), so what follows plans with
// them. See decisions/analyze-due.ts for why autovacuum alone is too late.
import { errorMessage, type Logger } from "@updraft/core";
import type { UpdraftDb } from "@updraft/db";
import { sql } from "drizzle-orm";
import { analyzeDue } from "../decisions/analyze-due.ts";

export class PlannerStatistics {
  private changed = 0;
  private inserted = 0;
  private lastAnalyze: number | null = null;
  /**
   * task_instances' rows as last read from pg_class (0 until first read). Stale, it only shifts
   * when the size is read again: too small, at the next call that finds changes due; too large (the
   * table shrank), once changes reach 10% of it.
   */
  private tableRows = 0;

  constructor(
    private readonly db: Pick<UpdraftDb, "execute">,
    private readonly logger: Logger,
  ) {}

  /** Counts `n` task instances moved or claimed. */
  noteChanged(n: number): void {
    this.changed += n;
  }

  /** Counts `n` task instances created (the tasks of runs just started). */
  noteInserted(n: number): void {
    this.inserted += n;
    this.changed += n;
  }

  /**
   * ANALYZEs task_instances and dag_runs when due (`now` in ms since the epoch). Never throws: a
   * failure is logged at debug and tried again on a later call. (A role that does not own the
   * tables gets a warning from Postgres and no statistics: autovacuum still keeps them.)
   * @returns whether it analyzed
   */
  async refreshIfDue(now: number): Promise<boolean> {
    const changed = this.changed;
    const inserted = this.inserted;
    const msSinceAnalyze = this.lastAnalyze === null ? null : now - this.lastAnalyze;
    const due = (tableRows: number) => analyzeDue({ changedSinceAnalyze: changed, insertedSinceAnalyze: inserted, tableRows, msSinceAnalyze });
    // First against the size last read: most passes stop here, with no query. The size is read
    // again only when that says due, so a large table (whose 10% takes many passes to reach) is
    // not asked for its size on every pass in between.
    if (!due(this.tableRows)) return false;
    try {
      // The size as of the last ANALYZE (or VACUUM): below 10% of it, changes shift little.
      const size = await this.db.execute<{ rows: number | string }>(sql`select greatest(reltuples, 0) as rows from pg_class where oid = 'task_instances'::regclass`);
      const tableRows = (this.tableRows = Number(size.rows[0]?.rows ?? 0));
      if (!due(tableRows)) return false;
      const started = performance.now();
      // Only the columns the scheduler's statements filter and join on: a third of the time
      // of the whole table's (the rest keep the statistics autovacuum took).
      await this.db.execute(sql`analyze task_instances (dag_id, run_id, task_id, state, pool), dag_runs (dag_id, run_id, state)`);
      this.changed -= changed;
      this.inserted -= inserted;
      this.lastAnalyze = now;
      this.logger.debug({ changed, tableRows, ms: Math.round(performance.now() - started) }, "analyzed task_instances");
      return true;
    } catch (error) {
      this.logger.debug({ err: errorMessage(error) }, "ANALYZE task_instances failed; will try again");
      return false;
    }
  }
}
