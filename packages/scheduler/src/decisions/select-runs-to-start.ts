// Which queued DAG runs may start: oldest logical date first, never more running runs of a DAG
// than its max active runs, none of a paused DAG. Limits are per DAG, so one DAG's backlog never
// holds another DAG back.

export interface QueuedRun {
  id: number;
  dagId: string;
  logicalDate: Date;
}

export interface RunLimits {
  runningPerDag: ReadonlyMap<string, number>;
  maxActiveRuns: (dagId: string) => number;
  isPaused: (dagId: string) => boolean;
}

export function selectRunsToStart(queued: readonly QueuedRun[], limits: RunLimits): QueuedRun[] {
  const running = new Map(limits.runningPerDag);
  const ordered = [...queued].sort((a, b) => a.logicalDate.getTime() - b.logicalDate.getTime() || a.id - b.id);
  const selected: QueuedRun[] = [];
  for (const run of ordered) {
    if (limits.isPaused(run.dagId)) continue;
    const active = running.get(run.dagId) ?? 0;
    if (active >= limits.maxActiveRuns(run.dagId)) continue;
    running.set(run.dagId, active + 1);
    selected.push(run);
  }
  return selected;
}
