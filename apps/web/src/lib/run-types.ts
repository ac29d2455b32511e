// How the grid tells run types apart, as Airflow's grid does with an icon under each run bar:
// a triangle for manual (triggered) runs, a circle for scheduled ones, a square for backfills.
export const RUN_TYPE_LABELS: Record<string, string> = { manual: "manual", scheduled: "scheduled", backfill: "backfill" };

/** The short date-and-time label under a run's bar: "11-30 14:05" (local time). */
export function runAxisLabel(iso: string): string {
  const d = new Date(iso);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}
