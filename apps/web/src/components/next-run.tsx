// A DAG's next scheduled run as Airflow shows it: the logical date, with the data interval and
// when the run will be created (the interval's end) beside it.
import type { Dag } from "../api/types.ts";
import { formatDateTime, formatRelative } from "../lib/format.ts";

export function NextRun({ dag, detailed = false }: { dag: Dag; detailed?: boolean }) {
  if (!dag.next_dagrun) return <span className="muted">—</span>;
  const interval = `Data interval: ${formatDateTime(dag.next_dagrun_data_interval_start)} – ${formatDateTime(dag.next_dagrun_data_interval_end)}`;
  const after = dag.next_dagrun_create_after;
  return (
    <span className="next-run" title={`${interval}\nRun after: ${formatDateTime(after)}`} data-testid={`next-run-${dag.dag_id}`}>
      <span>{formatDateTime(dag.next_dagrun)}</span>
      {after && <span className="muted small"> · runs {Date.parse(after) <= Date.now() ? "now" : formatRelative(after)}</span>}
      {detailed && <span className="muted small block">{interval}</span>}
    </span>
  );
}
