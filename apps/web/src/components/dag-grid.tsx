// Airflow's grid: one column per run (oldest left), one row per task, each cell coloured by the
// task instance's state. Each run's task instances are one query, so a live event for a run
// refetches that column only; rows are paged so a thousand-task DAG stays light.
import { useQueries } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { Link } from "react-router";
import { api, path } from "../api/client.ts";
import { keys } from "../api/keys.ts";
import { TASK_INSTANCE_LIMIT } from "../api/queries.ts";
import type { DagRun, DagTask, TaskInstance } from "../api/types.ts";
import { formatDateTime, formatDuration, durationBetween } from "../lib/format.ts";
import { stateColor } from "../lib/states.ts";

const ROWS_PER_PAGE = 100;

export function DagGrid({ dagId, runs, tasks }: { dagId: string; runs: DagRun[]; tasks: DagTask[] }) {
  const [page, setPage] = useState(0);
  const columns = useMemo(() => [...runs].reverse(), [runs]);
  const results = useQueries({
    queries: columns.map((run) => ({
      queryKey: keys.taskInstances(dagId, run.dag_run_id),
      queryFn: () =>
        api<{ task_instances: TaskInstance[] }>(`${path`/api/v1/dags/${dagId}/dagRuns/${run.dag_run_id}/taskInstances`}?limit=${TASK_INSTANCE_LIMIT}`),
    })),
  });
  const byRun = columns.map((_, i) => new Map((results[i]?.data?.task_instances ?? []).map((ti) => [ti.task_id, ti])));
  const pages = Math.max(1, Math.ceil(tasks.length / ROWS_PER_PAGE));
  const rows = tasks.slice(page * ROWS_PER_PAGE, (page + 1) * ROWS_PER_PAGE);
  const maxDuration = Math.max(1, ...columns.map((r) => durationBetween(r.start_date, r.end_date) ?? 0));

  if (runs.length === 0) return <div className="empty">No runs yet. Trigger one to see its tasks here.</div>;
  return (
    <div className="grid-wrap">
      <table className="dag-grid" data-testid="dag-grid">
        <thead>
          <tr>
            <th className="grid-task-head">Task</th>
            {columns.map((run) => {
              const seconds = durationBetween(run.start_date, run.end_date) ?? 0;
              return (
                <th key={run.dag_run_id} className="grid-run-head">
                  <Link
                    to={path`/dags/${dagId}/runs/${run.dag_run_id}`}
                    title={`${run.dag_run_id}\n${run.state} · ${formatDateTime(run.logical_date)} · ${formatDuration(seconds)}`}
                    className="run-bar-link"
                    data-testid={`grid-run-${run.dag_run_id}`}
                    data-state={run.state}
                  >
                    <span className="run-bar" style={{ height: `${8 + 40 * (seconds / maxDuration)}px`, background: stateColor(run.state) }} />
                  </Link>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.map((task) => (
            <tr key={task.task_id}>
              <th className="grid-task" title={task.task_id}>
                {task.task_id}
              </th>
              {columns.map((run, i) => {
                const ti = byRun[i]?.get(task.task_id);
                const state = ti?.state ?? null;
                return (
                  <td key={run.dag_run_id} className="grid-cell-td">
                    <Link
                      to={path`/dags/${dagId}/runs/${run.dag_run_id}/tasks/${task.task_id}`}
                      className="grid-cell"
                      style={{ background: stateColor(state) }}
                      title={`${task.task_id} · ${run.dag_run_id}\n${state ?? "no state"}${ti?.duration ? ` · ${formatDuration(ti.duration)}` : ""}`}
                      data-testid={`cell-${run.dag_run_id}-${task.task_id}`}
                      data-state={state ?? "none"}
                    />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {pages > 1 && (
        <div className="pager">
          <button type="button" className="btn btn-sm" disabled={page === 0} onClick={() => setPage(page - 1)}>
            ‹ Prev
          </button>
          <span className="muted">
            Tasks {page * ROWS_PER_PAGE + 1}–{Math.min(tasks.length, (page + 1) * ROWS_PER_PAGE)} of {tasks.length}
          </span>
          <button type="button" className="btn btn-sm" disabled={page >= pages - 1} onClick={() => setPage(page + 1)}>
            Next ›
          </button>
        </div>
      )}
    </div>
  );
}
