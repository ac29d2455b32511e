// The scheduler service: a thin loop around the decisions. A pass creates due runs, starts
// queued runs, moves running runs forward and claims ready task instances for the executor.
// Passes are event-driven: a flush of finished tries NOTIFYs the runs it touched, and the next pass
// re-reads only those (plus runs just started and retries come due), so a pass costs O(changed
// work). Any other wake-up (trigger, pause, clear, DAG parse) and the periodic heartbeat run a full
// pass that reconciles every running run, so a lost event costs latency, never correctness.
import { hostname } from "node:os";
import { errorMessage, logTryQueued, type Executor, type JsonValue, type Logger } from "@updraft/core";
import { dagRuns, parseWakePayload, SCHEDULER_CHANNEL, schedulerJobs, type RunKey, type UpdraftDatabase } from "@updraft/db";
import { and, eq } from "drizzle-orm";
import { processDagsFolder, type DagProcessingOptions } from "./dag-processor.ts";
import { CallbackRunner } from "./callback-runner.ts";
import { dagCallbackJobs } from "./store/callback-store.ts";
import { claimTaskInstances } from "./store/claim-store.ts";
import { DagCache } from "./store/dag-cache.ts";
import { LostTryWatch } from "./lost-try-watch.ts";
import type { LostTry, LostTryThresholds } from "./store/lost-tries-store.ts";
import { PlannerStatistics } from "./store/planner-statistics.ts";
import { progressRunningRuns } from "./store/progress-store.ts";
import { updateNextDagruns } from "./store/next-dagrun-store.ts";
import { createDueScheduledRuns, startQueuedRuns } from "./store/run-store.ts";
import { runKey } from "./store/run-key.ts";

export interface SchedulerLimits {
  parallelism: number;
  maxActiveTasksPerDag: number;
  maxActiveRunsPerDag: number;
}

export interface SchedulerOptions {
  database: UpdraftDatabase;
  executor: Executor;
  limits: SchedulerLimits;
  /** Reconcile pass and heartbeat interval. */
  heartbeatMs: number;
  /** When a running try without heartbeat is lost, and when a queued try is checked. */
  lostTries: LostTryThresholds;
  logger: Logger;
  /** Parse the DAGs folder at start and every `intervalMs` (omit when another process does it). */
  dagProcessing?: DagProcessingOptions & { intervalMs: number };
  /**
   * Where DAG callbacks (onSuccess / onFailure of a run) run: the DAGs folder their files are
   * imported from, and each callback's timeout. @defaultValue none: DAG callbacks are not run
   */
  callbacks?: { dagsFolder: string; timeoutMs?: number };
  now?: () => Date;
}

export class Scheduler {
  private readonly cache = new DagCache();
  private readonly now: () => Date;
  private stopped = false;
  private pending = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private jobId: number | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private lastHeartbeat = 0;
  private lastScheduleCheck = 0;
  private lastDagParse = 0;
  private parsing: Promise<void> | null = null;
  /** Aborted by stop: kills the parse processes of a DAGs-folder parse under way. */
  private readonly parseAbort = new AbortController();
  /** start's promise, which stop waits for: stop may come while start still parses the folder. */
  private starting: Promise<void> | null = null;
  /** Runs named by finish events since the last pass ("dagId\0runId" -> key). */
  private dirty = new Map<string, RunKey>();
  private fullRequested = true;
  private lastFull = 0;
  /** A run finished in the last pass: queued runs may start now. */
  private runsFinished = false;
  /** Runs checked by verify_integrity, with the DAG hash they were checked against. */
  private readonly verified = new Map<string, string>();
  private readonly lostTryWatch: LostTryWatch;
  private readonly callbackRunner: CallbackRunner | null;
  private readonly statistics: PlannerStatistics;
  /** Passes run so far (exposed for metrics and tests). */
  passes = 0;

  constructor(private readonly options: SchedulerOptions) {
    this.now = options.now ?? (() => new Date());
    this.statistics = new PlannerStatistics(options.database.db, options.logger);
    this.callbackRunner = options.callbacks
      ? new CallbackRunner({ dagsFolder: options.callbacks.dagsFolder, logger: options.logger, ...(options.callbacks.timeoutMs === undefined ? {} : { timeoutMs: options.callbacks.timeoutMs }) })
      : null;
    this.lostTryWatch = new LostTryWatch({
      db: options.database.db,
      executor: options.executor,
      thresholds: options.lostTries,
      intervalMs: Math.min(2_000, options.heartbeatMs),
      logger: options.logger,
      onRecovered: () => this.requestFullPass(),
      now: this.now,
      dags: this.cache,
      onLostTry: (lost) => void this.lostTryCallback(lost),
    });
  }

  /**
   * Registers this scheduler, parses the DAGs folder once (with `dagProcessing`), then starts the
   * passes. A stop() meanwhile aborts that parse; start then resolves without starting the passes.
   */
  start(): Promise<void> {
    this.starting ??= this.begin();
    return this.starting;
  }

  private async begin(): Promise<void> {
    const { db } = this.options.database;
    const [job] = await db.insert(schedulerJobs).values({ jobType: "scheduler", hostname: hostname(), pid: process.pid }).returning({ id: schedulerJobs.id });
    this.jobId = job!.id;
    this.unlisten = await this.options.database.listen(SCHEDULER_CHANNEL, (payload) => {
      const runs = parseWakePayload(payload);
      if (runs === null) this.requestFullPass();
      else this.nudge(runs);
    });
    if (this.options.dagProcessing) await this.parseDags();
    if (this.stopped) return; // stop() came during the first parse and finishes the shutdown
    this.loop = this.run();
    this.lostTryWatch.start();
    this.options.logger.info({ executor: this.options.executor.name, limits: this.options.limits }, "scheduler started");
  }

  /**
   * Run a pass as soon as possible (coalesced with any pass already due); `runs` are runs whose
   * task instances changed, which that pass re-reads.
   */
  nudge(runs?: readonly RunKey[]): void {
    for (const run of runs ?? []) this.dirty.set(runKey(run.dagId, run.runId), run);
    this.pending = true;
    this.wake?.();
  }

  /** Run a full pass (every running run, fresh DAG pause states) as soon as possible. */
  requestFullPass(): void {
    this.fullRequested = true;
    this.nudge();
  }

  /**
   * Stops at once, during start() too: aborts a DAGs-folder parse under way (its parse processes
   * are killed and it records nothing), ends the passes, waits for the pass and DAG callbacks in
   * flight, and marks this scheduler's job as ended.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.parseAbort.abort();
    this.wake?.();
    await this.starting?.catch(() => {});
    await this.loop;
    await this.lostTryWatch.stop();
    await this.callbackRunner?.drain();
    await this.parsing;
    await this.unlisten?.();
    if (this.jobId !== null) {
      await this.options.database.db.update(schedulerJobs).set({ state: "success" }).where(eq(schedulerJobs.id, this.jobId)).catch(() => {});
    }
    this.options.logger.info("scheduler stopped");
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      this.pending = false;
      try {
        await this.pass();
        if (failures > 0) this.options.logger.info({ failures }, "scheduler passes resumed");
        failures = 0;
      } catch (error) {
        failures++;
        this.fullRequested = true; // the runs this pass had taken are looked at again
        // The database may be away: log the first failure (the connection logs the outage once
        // too), back off and carry on rather than crash; at most 5 s between attempts.
        const log = failures === 1 ? this.options.logger.error : this.options.logger.debug;
        log.call(this.options.logger, { err: errorMessage(error), failures }, "scheduler pass failed; retrying");
        await this.sleep(Math.min(5_000, 250 * 2 ** Math.min(failures, 7)));
        continue;
      }
      if (!this.pending) await this.sleep(this.options.heartbeatMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  /** One pass; public so tests can drive the scheduler step by step (`full` forces a reconcile). */
  async pass(options: { full?: boolean } = {}): Promise<void> {
    const { db } = this.options.database;
    const { limits, executor } = this.options;
    const now = this.now();
    this.passes++;
    const full = options.full === true || this.fullRequested || now.getTime() - this.lastFull >= this.options.heartbeatMs;
    if (full) {
      this.fullRequested = false;
      this.lastFull = now.getTime();
    }
    const dirty = [...this.dirty.values()];
    this.dirty.clear();
    const dags = full ? await this.cache.refresh(db) : this.cache.all();
    if (now.getTime() - this.lastScheduleCheck >= 1_000) {
      this.lastScheduleCheck = now.getTime();
      const created = await createDueScheduledRuns(db, dags.values(), now);
      // next_dagrun (issue 13, item 4): moves on once a scheduled run is created.
      if (created > 0) await updateNextDagruns(db, undefined, now);
    }
    if (full || this.runsFinished) {
      this.runsFinished = false;
      const started = await startQueuedRuns(db, dags, limits.maxActiveRunsPerDag, now);
      if (started.length > 0) {
        for (const run of started) this.statistics.noteInserted(dags.get(run.dagId)?.serialized.tasks.length ?? 0);
        await this.statistics.refreshIfDue(now.getTime());
      }
      dirty.push(...started);
    }
    let progress;
    if (full) progress = await progressRunningRuns(db, dags, now, "all", { verified: this.verified });
    else progress = await progressRunningRuns(db, dags, now, dirty, { dueRetries: true });
    for (const run of progress.timedOut) this.options.logger.warn({ dagId: run.dagId, runId: run.runId }, `run failed: ${run.reason}`);
    if (this.callbackRunner && progress.ended.length > 0) {
      const reasons = new Map(progress.timedOut.map((t) => [runKey(t.dagId, t.runId), t.reason]));
      // Handed off, not awaited: a slow callback never holds up the pass.
      for (const job of await dagCallbackJobs(db, dags, progress.ended, reasons)) void this.callbackRunner.submit(job);
    }
    if (progress.finishedRuns > 0) {
      this.runsFinished = true;
      this.nudge();
    }
    const claim = await claimTaskInstances(
      db,
      dags,
      { parallelism: limits.parallelism, defaultMaxActiveTasks: limits.maxActiveTasksPerDag, executorFreeSlots: executor.freeSlots() },
      this.now(), // queued_at is when the claim queued it (Airflow's queued_dttm), not when the pass began
    );
    if (claim.queued.length > 0) executor.execute(claim.queued);
    this.statistics.noteChanged(progress.transitions + claim.queued.length);
    // Operator log (issue 13, item 5): one "queued" line per try.
    for (const ti of claim.queued) logTryQueued(this.options.logger, ti, executor.name);
    // Another scheduler is claiming right now; look again shortly rather than spin.
    if (!claim.ran) setTimeout(() => this.nudge(), 50).unref();
    await this.housekeeping(now);
    await this.statistics.refreshIfDue(now.getTime());
  }

  // A try lost with its worker never ran its own onFailure / onRetry: the callback runner does.
  private async lostTryCallback(lost: LostTry): Promise<void> {
    const which = lost.state === "failed" ? "onFailure" : "onRetry";
    const dag = this.cache.get(lost.dagId);
    if (!this.callbackRunner || !dag?.tasks.get(lost.taskId)?.callbacks?.includes(which)) return;
    try {
      const [run] = await this.options.database.db
        .select({ logicalDate: dagRuns.logicalDate, conf: dagRuns.conf })
        .from(dagRuns)
        .where(and(eq(dagRuns.dagId, lost.dagId), eq(dagRuns.runId, lost.runId)));
      if (!run) return;
      await this.callbackRunner.submit({
        fileloc: dag.serialized.fileloc,
        dagId: lost.dagId,
        runId: lost.runId,
        taskId: lost.taskId,
        tryNumber: lost.tryNumber,
        which,
        logicalDate: run.logicalDate.toISOString(),
        conf: (run.conf ?? {}) as Record<string, JsonValue>,
        error: lost.error,
      });
    } catch (error) {
      this.options.logger.warn({ err: errorMessage(error), ti: lost }, `could not run the lost try's ${which} callback`);
    }
  }

  // The slow periodic part of a pass: heartbeat, DAG parsing (lost tries have their own watch).
  private async housekeeping(now: Date): Promise<void> {
    if (now.getTime() - this.lastHeartbeat >= this.options.heartbeatMs && this.jobId !== null) {
      this.lastHeartbeat = now.getTime();
      const { db } = this.options.database;
      await db.update(schedulerJobs).set({ latestHeartbeat: now }).where(eq(schedulerJobs.id, this.jobId));
    }
    const processing = this.options.dagProcessing;
    if (processing && !this.parsing && now.getTime() - this.lastDagParse >= processing.intervalMs) {
      this.parsing = this.parseDags().finally(() => (this.parsing = null));
    }
  }

  private async parseDags(): Promise<void> {
    const processing = this.options.dagProcessing!;
    this.lastDagParse = this.now().getTime();
    try {
      // DAGs this scheduler holds come back from the parse processes as a hash, not re-sent whole.
      const bag = await processDagsFolder(this.options.database.db, processing, this.cache.all(), this.parseAbort.signal);
      this.options.logger.debug({ dags: bag.dags.length, importErrors: bag.importErrors.length, ms: Math.round(bag.durationMs) }, "parsed DAGs folder");
      this.requestFullPass();
    } catch (error) {
      if (this.parseAbort.signal.aborted) this.options.logger.debug("parsing the DAGs folder aborted: the scheduler is stopping");
      else this.options.logger.error({ err: errorMessage(error) }, "parsing the DAGs folder failed");
    }
  }
}
