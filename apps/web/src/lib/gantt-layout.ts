// The Gantt chart's rows: one bar per task try from its start to its end (now, while running),
// ordered by start, on a shared time domain. Pure, so it is unit-tested without a browser.
import type { RunTry } from "../api/types.ts";

export interface GanttBar {
  key: string;
  taskId: string;
  tryNumber: number;
  state: RunTry["state"];
  start: number;
  end: number;
  running: boolean;
  host: string | null;
}

export interface GanttLayout {
  bars: GanttBar[];
  /** [earliest start, latest end] in ms since epoch; a zero-length domain is widened to 100 ms (a 0.4 s run spans 0.4 s). */
  domain: [number, number];
}

const MIN_SPAN_MS = 100;

export function ganttLayout(tries: readonly RunTry[], now: number): GanttLayout {
  const bars: GanttBar[] = tries
    .filter((t) => t.start_date !== null)
    .map((t) => {
      const start = Date.parse(t.start_date!);
      const running = t.end_date === null;
      return {
        key: `${t.task_id}#${t.try_number}`,
        taskId: t.task_id,
        tryNumber: t.try_number,
        state: t.state,
        start,
        end: running ? Math.max(start, now) : Date.parse(t.end_date!),
        running,
        host: t.worker_name ?? t.hostname,
      };
    })
    .sort((a, b) => a.start - b.start || a.taskId.localeCompare(b.taskId) || a.tryNumber - b.tryNumber);
  if (bars.length === 0) return { bars, domain: [now - 1000, now] };
  const min = Math.min(...bars.map((b) => b.start));
  const max = Math.max(...bars.map((b) => b.end));
  return { bars, domain: [min, Math.max(max, min + MIN_SPAN_MS)] };
}
