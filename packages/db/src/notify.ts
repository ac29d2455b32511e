// Wake-up signals between processes through the database itself: whoever changes what the
// scheduler must react to (a finished task, a triggered run, a cleared task) sends a NOTIFY, and
// the scheduler listening on the channel runs its loop at once instead of at the next interval.
// A flush of finished tries names the runs it touched and the tasks whose tries ended there
// (`runs:` + JSON), so the scheduler re-reads only those; any other payload asks for a full pass.
import { sql } from "drizzle-orm";
import type { UpdraftDb } from "./client.ts";

/** Channel the scheduler listens on. */
export const SCHEDULER_CHANNEL = "updraft_scheduler";

/** A DAG run by its natural key. */
export interface RunKey {
  dagId: string;
  runId: string;
}

/** A run whose task instances changed; with the tasks whose tries ended, when they are known. */
export interface ChangedRun extends RunKey {
  /** Task ids whose try ended in this run. Absent: unknown (anything may have changed). */
  finishedTasks?: readonly string[];
}

const RUNS_PREFIX = "runs:";
/** Postgres refuses NOTIFY payloads of 8,000 bytes or more; above this a full pass is asked for. */
const MAX_PAYLOAD = 7_000;

/** Asks every listening scheduler to run its loop now. Delivered when the surrounding transaction commits. */
export async function wakeScheduler(db: Pick<UpdraftDb, "execute">, reason = ""): Promise<void> {
  await db.execute(sql`select pg_notify(${SCHEDULER_CHANNEL}, ${reason})`);
}

/**
 * One wake-up naming the runs whose task instances changed (as a flush of finished tries sends
 * it). Too many runs for one payload degrade to a plain wake-up, i.e. a full pass.
 */
export async function wakeSchedulerForRuns(db: Pick<UpdraftDb, "execute">, runs: readonly ChangedRun[]): Promise<void> {
  await wakeScheduler(db, runsPayload(runs));
}

/**
 * The NOTIFY payload naming these runs and their finished tasks: `runs:[[dagId, runId, [taskId…]]…]`.
 * When that does not fit, the runs alone (`[dagId, runId]`: any task may have changed); when even
 * that does not fit, "" (a full pass).
 */
export function runsPayload(runs: readonly ChangedRun[]): string {
  const merged = mergeChangedRuns(runs);
  const withTasks = RUNS_PREFIX + JSON.stringify(merged.map((r) => (r.finishedTasks ? [r.dagId, r.runId, r.finishedTasks] : [r.dagId, r.runId])));
  if (Buffer.byteLength(withTasks) < MAX_PAYLOAD) return withTasks;
  const runsOnly = RUNS_PREFIX + JSON.stringify(merged.map((r) => [r.dagId, r.runId]));
  return Buffer.byteLength(runsOnly) < MAX_PAYLOAD ? runsOnly : "";
}

/** One entry per run; its finished tasks united, or unknown when any entry leaves them unknown. */
export function mergeChangedRuns(runs: Iterable<ChangedRun>): ChangedRun[] {
  const merged = new Map<string, { dagId: string; runId: string; tasks: Set<string> | null }>();
  for (const run of runs) {
    const key = `${run.dagId}\u0000${run.runId}`;
    const entry = merged.get(key) ?? { dagId: run.dagId, runId: run.runId, tasks: new Set<string>() };
    if (!run.finishedTasks) entry.tasks = null;
    else if (entry.tasks) for (const t of run.finishedTasks) entry.tasks.add(t);
    merged.set(key, entry);
  }
  return [...merged.values()].map((e) => (e.tasks ? { dagId: e.dagId, runId: e.runId, finishedTasks: [...e.tasks] } : { dagId: e.dagId, runId: e.runId }));
}

/** The runs a wake-up names (with their finished tasks when given), or null when it asks for a full pass. */
export function parseWakePayload(payload: string): ChangedRun[] | null {
  if (!payload.startsWith(RUNS_PREFIX)) return null;
  try {
    const entries = JSON.parse(payload.slice(RUNS_PREFIX.length)) as unknown;
    if (!Array.isArray(entries)) return null;
    const runs: ChangedRun[] = [];
    for (const entry of entries) {
      if (!Array.isArray(entry) || typeof entry[0] !== "string" || typeof entry[1] !== "string") return null;
      const tasks: unknown = entry[2];
      if (Array.isArray(tasks) && tasks.every((t) => typeof t === "string")) runs.push({ dagId: entry[0], runId: entry[1], finishedTasks: tasks as string[] });
      else if (tasks === undefined) runs.push({ dagId: entry[0], runId: entry[1] });
      else return null;
    }
    return runs;
  } catch {
    return null;
  }
}
