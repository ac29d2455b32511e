// The lost-work watch: on its own timer (not the scheduler pass, which a busy loop or a long
// claim can delay), it fails running tries whose worker is gone and re-sends queued tries the
// broker lost — at once when the broker reports it came back from an outage (Redis restarted
// empty), otherwise once they wait past the queued-check threshold.
import { errorMessage, type Executor, type Logger } from "@updraft/core";
import type { UpdraftDb } from "@updraft/db";
import { DagCache } from "./store/dag-cache.ts";
import { failZombies, recoverStaleQueued, type LostTry, type LostTryThresholds } from "./store/lost-tries-store.ts";

export interface LostTryWatchOptions {
  db: UpdraftDb;
  executor: Executor;
  thresholds: LostTryThresholds;
  /** Interval between checks. @defaultValue 2000 // ms */
  intervalMs?: number;
  logger: Logger;
  /** Called when a check failed or re-sent tries, so the scheduler runs a pass. */
  onRecovered: () => void;
  now?: () => Date;
  /** Called for each try failed as lost (its task's onFailure / onRetry are run scheduler-side). @defaultValue none */
  onLostTry?: (lost: LostTry) => void;
  /** The scheduler's DAG cache, shared so the process holds each parsed DAG once. @defaultValue a cache of its own */
  dags?: DagCache;
}

export class LostTryWatch {
  private readonly cache: DagCache;
  private readonly now: () => Date;
  private timer: NodeJS.Timeout | null = null;
  private zombies: Promise<number> | null = null;
  private queued: Promise<number> | null = null;
  /** Silence is never counted from before this: the watch's start, or its last regained database. */
  private notBefore: Date;
  private blind = false;
  private reconcileAll = false;

  constructor(private readonly options: LostTryWatchOptions) {
    this.now = options.now ?? (() => new Date());
    this.cache = options.dags ?? new DagCache();
    this.notBefore = this.now();
  }

  start(): void {
    this.notBefore = this.now();
    this.timer = setInterval(() => {
      // Two independent slots: a reconcile waiting on an unreachable broker never holds up the
      // zombie check, and neither ever runs twice at once.
      this.zombies ??= this.checkRunning().finally(() => (this.zombies = null));
      this.queued ??= this.checkQueued().finally(() => (this.queued = null));
    }, this.options.intervalMs ?? 2_000);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all([this.zombies, this.queued]);
  }

  /** One check of running tries; public so tests can drive it step by step. Returns how many failed. */
  async checkRunning(): Promise<number> {
    const { db, executor, thresholds, logger } = this.options;
    const now = this.now();
    try {
      const dags = await this.cache.refresh(db);
      if (this.blind) {
        // Heartbeats could not be read while the database was away: count silence from now.
        this.blind = false;
        this.notBefore = now;
      }
      const failed = await failZombies(db, dags, executor, thresholds, now, this.notBefore, logger, this.options.onLostTry);
      if (failed > 0) this.options.onRecovered();
      return failed;
    } catch (error) {
      this.blind = true;
      logger.debug({ err: errorMessage(error) }, "lost-try check failed; retrying");
      return 0;
    }
  }

  /**
   * One check of queued tries; public for tests. Right after the broker came back from an outage
   * every queued try is compared with the broker, otherwise only those waiting past the threshold.
   */
  async checkQueued(): Promise<number> {
    const { db, executor, thresholds, logger } = this.options;
    if (executor.takeReconnected?.()) this.reconcileAll = true;
    const now = this.now();
    try {
      const dags = await this.cache.refresh(db);
      const queuedCheck = this.reconcileAll ? { ...thresholds, queuedCheckAfterMs: 0 } : thresholds;
      const resent = await recoverStaleQueued(db, dags, executor, queuedCheck, now, logger);
      this.reconcileAll = false;
      if (resent > 0) this.options.onRecovered();
      return resent;
    } catch (error) {
      logger.debug({ err: errorMessage(error) }, "queued-try check failed; retrying");
      return 0;
    }
  }
}
