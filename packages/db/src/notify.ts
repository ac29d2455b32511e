// Wake-up signals between processes through the database itself: whoever changes what the
// scheduler must react to (a finished task, a triggered run, a cleared task) sends a NOTIFY, and
// the scheduler listening on the channel runs its loop at once instead of at the next interval.
// A flush of finished tries names the runs it touched (`runs:` + JSON), so the scheduler re-reads
// only those; any other payload asks for a full pass.
import { sql } from "drizzle-orm";
import type { UpdraftDb } from "./client.ts";

/** Channel the scheduler listens on. */
export const SCHEDULER_CHANNEL = "updraft_scheduler";

/** A DAG run by its natural key. */
export interface RunKey {
  dagId: string;
  runId: string;
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
export async function wakeSchedulerForRuns(db: Pick<UpdraftDb, "execute">, runs: readonly RunKey[]): Promise<void> {
  await wakeScheduler(db, runsPayload(runs));
}

/** The NOTIFY payload naming these runs ("" when they do not fit). */
export function runsPayload(runs: readonly RunKey[]): string {
  const unique = new Map(runs.map((r) => [`${r.dagId}\u0000${r.runId}`, [r.dagId, r.runId]]));
  const payload = RUNS_PREFIX + JSON.stringify([...unique.values()]);
  return Buffer.byteLength(payload) < MAX_PAYLOAD ? payload : "";
}

/** The runs a wake-up names, or null when it asks for a full pass (any other payload). */
export function parseWakePayload(payload: string): RunKey[] | null {
  if (!payload.startsWith(RUNS_PREFIX)) return null;
  try {
    const pairs = JSON.parse(payload.slice(RUNS_PREFIX.length)) as unknown;
    if (!Array.isArray(pairs)) return null;
    const runs: RunKey[] = [];
    for (const pair of pairs) {
      if (!Array.isArray(pair) || typeof pair[0] !== "string" || typeof pair[1] !== "string") return null;
      runs.push({ dagId: pair[0], runId: pair[1] });
    }
    return runs;
  } catch {
    return null;
  }
}
