// When the scheduler refreshes the planner statistics of task_instances itself (ANALYZE), rather
// than wait for autovacuum. Autovacuum looks at most once a minute (autovacuum_naptime), and until
// it does, the statistics describe the table as it was. Measured in `pnpm bench` with
// auto_explain: after a first wide run, every task instance belonged to one run, so "a run's
// unfinished task instances" was planned as a sequential scan per run once 500 small runs had
// started (0.78 s per full progress pass over 342 runs, 50 ms per scoped pass, against about
// 2 ms with fresh statistics); statistics taken before anything was scheduled planned the claim
// as a scan of every scheduled row. The scheduler makes most of the changes that shift these
// distributions (it creates the task instances of the runs it starts, schedules and claims
// them), so it counts them and refreshes once they are a sizeable part of the table.

/** What the decision needs: task instances created since the last refresh, and the table's size. */
export interface StatisticsFacts {
  /** Task instances this scheduler created, moved or claimed since its last ANALYZE. */
  changedSinceAnalyze: number;
  /** Of those, the ones it created (the tasks of runs it started). @defaultValue 0 */
  insertedSinceAnalyze?: number;
  /** Rows of task_instances when last analyzed (pg_class.reltuples; 0 when never analyzed). */
  tableRows: number;
  /** Milliseconds since this scheduler's last ANALYZE; null when it has not run one. */
  msSinceAnalyze: number | null;
}

/** Fewer changed task instances than this never warrant a refresh, however small the table. */
export const ANALYZE_MIN_ROWS = 1_000;
/** The share of the table that changes must reach (as autovacuum's analyze_scale_factor). */
export const ANALYZE_TABLE_FRACTION = 0.1;
/**
 * At most one refresh per this many milliseconds. ANALYZE samples up to 30,000 rows (measured
 * 75-210 ms on 15,000 rows on a loaded 2-core machine, under 1% of a core at this interval),
 * and the 10% share keeps a large table's refreshes much rarer than this. The claim and the
 * progress facts are planned right on stale statistics too (see claim-store and
 * progress-store); fresh ones keep the rest of the statements' plans right.
 */
export const ANALYZE_MIN_INTERVAL_MS = 10_000;

/**
 * @returns true when the statistics are due a refresh: at least max(1,000, 10% of the table)
 * task instance changes since the last one, and at least 10 s since it; or, whatever the time
 * since, that many created task instances (new runs shift the distributions the plans of every
 * per-run statement rest on: in `pnpm bench`, one full pass planned on statistics from before
 * 500 runs started took 2.3 s)
 */
export function analyzeDue(f: StatisticsFacts): boolean {
  const enough = Math.max(ANALYZE_MIN_ROWS, ANALYZE_TABLE_FRACTION * Math.max(0, f.tableRows));
  if ((f.insertedSinceAnalyze ?? 0) >= enough) return true;
  if (f.changedSinceAnalyze < enough) return false;
  return f.msSinceAnalyze === null || f.msSinceAnalyze >= ANALYZE_MIN_INTERVAL_MS;
}
