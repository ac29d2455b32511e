// Airflow's state colours, so Airflow users read the dashboard at a glance. The CSS variables in
// styles.css use the same values; the graph and Gantt chart (SVG) read them from here.
import type { RunState, TaskState } from "../api/types.ts";

export const STATE_COLORS: Record<TaskState | RunState | "none", string> = {
  success: "#1f9d55",
  failed: "#e0393e",
  running: "#32cd32",
  queued: "#9ca3af",
  scheduled: "#d2b48c",
  up_for_retry: "#f0c020",
  upstream_failed: "#f59e0b",
  skipped: "#f472b6",
  removed: "#d1d5db",
  none: "#eef0f4",
};

export function stateColor(state: string | null | undefined): string {
  return STATE_COLORS[(state ?? "none") as keyof typeof STATE_COLORS] ?? STATE_COLORS.none;
}

/** Text on a state-coloured background: dark on the light fills, white on the dark ones. */
export function stateTextColor(state: string | null | undefined): string {
  return state === "success" || state === "failed" ? "#ffffff" : "#1f2430";
}

export const TASK_STATES_IN_LEGEND: TaskState[] = ["success", "running", "failed", "up_for_retry", "upstream_failed", "queued", "scheduled", "skipped", "removed"];

/** States in which a task instance waits and the scheduler can say why. */
export function isWaiting(state: TaskState | null): boolean {
  return state === null || state === "scheduled" || state === "queued" || state === "up_for_retry";
}

export function isActive(state: TaskState | RunState | null): boolean {
  return state === "running" || state === "queued" || state === "scheduled" || state === "up_for_retry";
}
