// A pool of reusable task processes (Celery's prefork pool): at most `size` children, started on
// demand and kept for later tries; a child is replaced after `maxTriesPerChild` tries (so a
// leaking task cannot grow forever), when it dies, or when it overstays a try's deadline.
// The pool grows gradually: at most STARTING_AT_ONCE processes start at a time (a burst of tries
// on a loaded machine must not fork 16 Node processes at once and starve everything else), and only
// for a try that waited GROW_AFTER_MS for a busy process to come free (short tries are served by
// the processes there are instead of each costing a process start). Each
// bash command of a try runs in its own process group that the pool kills with the try (deadline,
// crash) and that the task process kills when its parent dies.
import { fork, type ChildProcess } from "node:child_process";
import { compileDagFile, DagCompileError, siblingModule, updraftNodeArgs, type CompiledDag } from "@updraft/dag-loader";
import { errorMessage } from "@updraft/core";
import type { LogLine, TryOutcome } from "../task-outcome.ts";
import type { FromChild, SecretKind, ToChild, TryJob } from "./pool-protocol.ts";

interface Waiter {
  take(child: PooledChild): void;
  /** performance.now() when it began to wait. */
  since: number;
}

interface PooledChild {
  process: ChildProcess;
  ready: Promise<void>;
  tries: number;
  busy: boolean;
  /** Process groups of the bash commands of the current try. */
  groups: Set<number>;
}

/** Task processes starting at the same time, at most. */
const STARTING_AT_ONCE = 2;

/**
 * How long a try waits for one of the pool's processes, all busy, before a new process is started
 * for it (ms). A start costs a process ~120 ms of CPU and longer than that before it is ready, so
 * short tries (a no-op try holds a process for about a millisecond) are better served by the
 * processes there are; a try still waiting after this starts the pool's growth as before.
 */
const GROW_AFTER_MS = 50;

function killGroups(child: PooledChild): void {
  for (const pgid of child.groups) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  child.groups.clear();
}

export interface PoolOptions {
  size: number;
  maxTriesPerChild: number;
  /**
   * How long a try's import of its DAG file may take (UPDRAFT_DAG_IMPORT_TIMEOUT, as Airflow's
   * `dagbag_import_timeout` in the task runner): past it the try fails and its process is killed,
   * so a file whose import never resolves cannot hold a slot for ever. @defaultValue 30000 // ms
   */
  importTimeoutMs?: number;
}

export interface RunHooks {
  /** Called with the pid of the process that runs the try, before it starts. */
  onStart(pid: number): Promise<boolean>;
  onLog(line: LogLine): void;
  /** Kill the process if the try has not ended by then (a task stuck where it cannot be aborted). */
  deadlineMs: number | null;
  /** Aborted when the try ended elsewhere (ExternalStops): its process is killed at once. */
  stop?: AbortSignal;
  /** Answers the task's Variable.get / Connection.get from the database. @defaultValue none: null (not found) */
  onLookup?(kind: SecretKind, key: string): Promise<unknown>;
}

export class TaskProcessPool {
  private readonly children = new Set<PooledChild>();
  private readonly waiting: Waiter[] = [];
  /** Looks at the waiting tries again once the oldest has waited GROW_AFTER_MS. */
  private growTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private starting = 0;
  private warmTarget = 0;

  constructor(private readonly options: PoolOptions) {}

  get size(): number {
    return this.options.size;
  }

  busyCount(): number {
    let n = 0;
    for (const c of this.children) if (c.busy) n++;
    return n;
  }

  /** Starts up to `n` idle children now, so the first tries do not wait for a process start. */
  warm(n: number): void {
    this.warmTarget = Math.min(n, this.options.size);
    this.pump();
  }

  /** Runs one try in a pooled process. Resolves to "refused" when onStart declined it. */
  async run(job: TryJob, hooks: RunHooks): Promise<TryOutcome | "refused"> {
    const child = await this.acquire();
    try {
      await child.ready;
      if (!(await hooks.onStart(child.process.pid!))) return "refused";
      child.tries++;
      const outcome = await this.exchange(child, job, hooks);
      // A timed-out try may have left work behind (timers, a stuck loop): its process is ended
      // before the outcome is reported, so a retry never overlaps it and its log stops growing.
      if (outcome.state === "failed" && outcome.timedOut) await this.retire(child);
      return outcome;
    } finally {
      this.release(child);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.growTimer) clearTimeout(this.growTimer);
    await Promise.all([...this.children].map((c) => this.retire(c)));
  }

  private exchange(child: PooledChild, job: TryJob, hooks: RunHooks): Promise<TryOutcome> {
    return new Promise((resolve) => {
      let deadline: NodeJS.Timeout | undefined;
      const kill = (outcome: TryOutcome) => {
        child.process.off("exit", onExit);
        this.children.delete(child);
        killGroups(child);
        child.process.kill("SIGKILL");
        finish(outcome);
      };
      const onStop = () => kill({ state: "failed", error: `stopped: ${errorMessage(hooks.stop?.reason)}; its process was killed`, timedOut: false });
      const finish = (outcome: TryOutcome) => {
        clearTimeout(importing);
        clearTimeout(deadline);
        hooks.stop?.removeEventListener("abort", onStop);
        child.process.off("message", onMessage);
        child.process.off("exit", onExit);
        resolve(outcome);
      };
      const onMessage = (message: FromChild) => {
        if (message.type === "imported") clearTimeout(importing);
        else if (message.type === "group") child.groups.add(message.pgid);
        else if (message.type === "log") hooks.onLog({ stream: message.stream, line: message.line, at: new Date(message.at) });
        else if (message.type === "done") {
          child.groups.clear();
          finish(message.outcome);
        }
        else if (message.type === "lookup") answerLookup(child, message, hooks);
        else if (message.type === "compile") this.answerCompile(child, message);
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        this.children.delete(child);
        killGroups(child);
        finish({ state: "failed", error: `the task process exited (${signal ?? `code ${code}`}) during the try`, timedOut: false });
      };
      child.process.on("message", onMessage);
      child.process.on("exit", onExit);
      if (hooks.deadlineMs !== null) {
        deadline = setTimeout(
          () => kill({ state: "failed", error: `the try exceeded its executionTimeout and its process was killed`, timedOut: true }),
          hooks.deadlineMs,
        );
      }
      // The DAG file's import is bounded on its own: a try with no executionTimeout must not wait
      // for ever on a file whose import never resolves.
      const importTimeoutMs = this.options.importTimeoutMs ?? 30_000;
      const importing = setTimeout(
        () =>
          kill({
            state: "failed",
            error: `importing the DAG file took longer than ${importTimeoutMs / 1000}s (UPDRAFT_DAG_IMPORT_TIMEOUT) and its process was killed; a DAG file must only define DAGs at import time`,
            timedOut: false,
          }),
        importTimeoutMs,
      );
      if (hooks.stop?.aborted) return onStop();
      hooks.stop?.addEventListener("abort", onStop, { once: true });
      child.process.send({ type: "run", job } satisfies ToChild);
    });
  }

  /** Compiles in flight, by file: children asking for the same file share one compile. */
  private readonly compiling = new Map<string, Promise<CompiledDag>>();

  private answerCompile(child: PooledChild, message: Extract<FromChild, { type: "compile" }>): void {
    const key = `${message.entry}\0${message.sdkUrl}\0${message.cacheDir}`;
    let compile = this.compiling.get(key);
    if (!compile) {
      compile = compileDagFile(message.entry, message.sdkUrl, message.cacheDir).finally(() => this.compiling.delete(key));
      this.compiling.set(key, compile);
    }
    const reply = (result: Omit<Extract<ToChild, { type: "compile-result" }>, "type" | "id">) => {
      if (child.process.connected) child.process.send({ type: "compile-result", id: message.id, ...result } satisfies ToChild);
    };
    compile.then(
      (compiled) => reply({ compiled, compileErrors: null, error: null }),
      (error: unknown) => reply({ compiled: null, compileErrors: error instanceof DagCompileError ? error.errors : null, error: errorMessage(error) }),
    );
  }

  private acquire(): Promise<PooledChild> {
    for (const c of this.children) {
      if (!c.busy) {
        c.busy = true;
        return Promise.resolve(c);
      }
    }
    return new Promise((take) => {
      this.waiting.push({ take, since: performance.now() });
      this.pump();
    });
  }

  // Grows the pool: a new process for the oldest waiting try once it waited GROW_AFTER_MS (at
  // once when the pool has no process that could come free), or an idle one up to the warm
  // target, while fewer than STARTING_AT_ONCE are starting.
  private pump(): void {
    while (!this.closed && this.starting < STARTING_AT_ONCE && this.children.size < this.options.size) {
      const oldest = this.waiting[0];
      const due = oldest !== undefined && (this.children.size === 0 || performance.now() - oldest.since >= GROW_AFTER_MS);
      if (!due && this.children.size >= this.warmTarget) break;
      const fresh = this.spawn();
      // A process started for the warm target serves a waiting try too, if there is one.
      const waiter = this.waiting.shift();
      if (waiter) {
        fresh.busy = true;
        waiter.take(fresh);
      }
    }
    this.growLater();
  }

  // A try waits for a process to come free, but not beyond GROW_AFTER_MS while the pool may grow.
  // (While STARTING_AT_ONCE processes start, their start calls pump() again.)
  private growLater(): void {
    const oldest = this.waiting[0];
    if (this.closed || this.growTimer || !oldest || this.starting >= STARTING_AT_ONCE || this.children.size >= this.options.size) return;
    this.growTimer = setTimeout(
      () => {
        this.growTimer = null;
        this.pump();
      },
      Math.max(0, oldest.since + GROW_AFTER_MS - performance.now()),
    );
  }

  private release(child: PooledChild): void {
    const alive = this.children.has(child) && child.process.exitCode === null && child.process.signalCode === null;
    if (!alive || child.tries >= this.options.maxTriesPerChild || this.closed) {
      void this.retire(child);
      this.pump();
      return;
    }
    const next = this.waiting.shift();
    if (next) next.take(child);
    else child.busy = false;
  }

  private spawn(): PooledChild {
    const proc = fork(siblingModule(import.meta.url, "pool-child"), [], {
      execArgv: updraftNodeArgs(),
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const child: PooledChild = {
      process: proc,
      tries: 0,
      busy: false,
      groups: new Set(),
      ready: new Promise((resolve, reject) => {
        const onReady = (m: FromChild) => {
          if (m.type !== "ready") return;
          proc.off("message", onReady);
          resolve();
        };
        proc.on("message", onReady);
        proc.once("exit", (code) => reject(new Error(`task process exited before it was ready (code ${code})`)));
      }),
    };
    this.starting++;
    const started = () => {
      this.starting--;
      this.pump();
    };
    child.ready.then(started, () => {
      this.children.delete(child);
      started();
    });
    proc.on("exit", () => this.children.delete(child));
    this.children.add(child);
    return child;
  }

  private async retire(child: PooledChild): Promise<void> {
    this.children.delete(child);
    killGroups(child);
    if (child.process.exitCode !== null || child.process.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.process.once("exit", () => resolve());
      child.process.disconnect();
      setTimeout(() => child.process.kill("SIGKILL"), 2_000).unref();
    });
  }
}

function answerLookup(child: PooledChild, message: Extract<FromChild, { type: "lookup" }>, hooks: RunHooks): void {
  const reply = (value: unknown, error: string | null) => {
    if (child.process.connected) child.process.send({ type: "lookup-result", id: message.id, value, error } satisfies ToChild);
  };
  Promise.resolve(hooks.onLookup ? hooks.onLookup(message.kind, message.key) : null).then(
    (value) => reply(value ?? null, null),
    (error: unknown) => reply(null, error instanceof Error ? error.message : String(error)),
  );
}
