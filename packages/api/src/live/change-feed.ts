// One change poller per webserver process, shared by every dashboard connected to it: every
// ~500 ms it asks the database what changed (a few aggregate queries) and hands small events to
// the subscribers, who refetch only what those events touch. It runs only while someone listens.
import { activeOrRecentRuns, runsWithTaskUpdatesSince, workersFingerprint, type UpdraftDb } from "@updraft/db";

export type LiveEvent = { type: "run-changed"; dag_id: string; run_id: string } | { type: "workers-changed" };

export type LiveListener = (events: readonly LiveEvent[]) => void;

export interface ChangeFeedOptions {
  /** Time between two polls. @defaultValue 500 // ms */
  intervalMs?: number;
  /**
   * How far each poll looks back before the newest change it already saw, so a transaction that
   * commits late with an older updated_at is still noticed. @defaultValue 3_000 // ms
   */
  overlapMs?: number;
  onError?: (error: unknown) => void;
}

export class ChangeFeed {
  readonly #db: UpdraftDb;
  readonly #intervalMs: number;
  readonly #overlapMs: number;
  readonly #onError: (error: unknown) => void;
  readonly #listeners = new Set<LiveListener>();
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;
  #closed = false;
  // What the previous polls saw: the newest task update per run, run states, the workers' fingerprint.
  #watermark = 0;
  #runTouches = new Map<string, number>();
  #runStates = new Map<string, string>();
  #workers: string | undefined;

  constructor(db: UpdraftDb, options: ChangeFeedOptions = {}) {
    this.#db = db;
    this.#intervalMs = options.intervalMs ?? 500;
    this.#overlapMs = options.overlapMs ?? 3_000;
    this.#onError = options.onError ?? (() => {});
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }

  get running(): boolean {
    return this.#timer !== undefined || this.#polling !== undefined;
  }

  /** Adds a listener and starts polling if it is the first; returns the function that removes it. */
  subscribe(listener: LiveListener): () => void {
    if (this.#closed) return () => {};
    this.#listeners.add(listener);
    if (this.#listeners.size === 1) this.#start();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#stop();
    };
  }

  /** Stops polling for good (the server is closing) and waits for a poll in flight. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    this.#stop();
    await this.#polling;
  }

  #start(): void {
    // A fresh baseline: what happened while nobody listened is not news to a new subscriber.
    this.#watermark = Date.now() - this.#overlapMs;
    this.#runTouches.clear();
    this.#runStates.clear();
    this.#workers = undefined;
    this.#schedule(0, true);
  }

  #stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(delayMs: number, baseline = false): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#polling = this.#poll(baseline)
        .catch(this.#onError)
        .finally(() => {
          this.#polling = undefined;
          // setTimeout after each poll (not setInterval): a slow database never stacks polls up.
          if (!this.#closed && this.#listeners.size > 0 && this.#timer === undefined) this.#schedule(this.#intervalMs);
        });
    }, delayMs);
  }

  async #poll(baseline: boolean): Promise<void> {
    const since = new Date(this.#watermark - this.#overlapMs);
    const [touches, runs, workers] = await Promise.all([
      runsWithTaskUpdatesSince(this.#db, since),
      activeOrRecentRuns(this.#db, since),
      workersFingerprint(this.#db),
    ]);
    const changed = new Map<string, LiveEvent>();
    const runChanged = (dagId: string, runId: string) =>
      changed.set(`${dagId}\0${runId}`, { type: "run-changed", dag_id: dagId, run_id: runId });

    const nextTouches = new Map<string, number>();
    for (const t of touches) {
      const key = `${t.dagId}\0${t.runId}`;
      nextTouches.set(key, t.at);
      if (this.#runTouches.get(key) !== t.at) runChanged(t.dagId, t.runId);
      this.#watermark = Math.max(this.#watermark, t.at);
    }
    const nextStates = new Map<string, string>();
    for (const r of runs) {
      const key = `${r.dagId}\0${r.runId}`;
      nextStates.set(key, r.state);
      if (this.#runStates.get(key) !== r.state) runChanged(r.dagId, r.runId);
    }
    this.#runTouches = nextTouches;
    this.#runStates = nextStates;
    if (this.#workers !== undefined && this.#workers !== workers) changed.set("workers", { type: "workers-changed" });
    this.#workers = workers;
    // Without task updates the watermark still advances, so the look-back window stays small.
    this.#watermark = Math.max(this.#watermark, Date.now() - this.#overlapMs);

    if (baseline || changed.size === 0) return;
    const events = [...changed.values()];
    for (const listener of this.#listeners) listener(events);
  }
}
