// Airflow's grid: one column per run (oldest left) with its duration bar, its run type and its
// logical date on the axis; one row per task, each cell coloured by the task instance's state.
// Selecting a run or a cell puts it in the URL (?run=…&task=…) and opens its details beside the
// grid without leaving the page. Each run's task instances are one query, so a live event for a
// run refetches that column only; rows are paged so a thousand-task DAG stays light.
import { useQueries } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useSearchParams } from "react-router";
import { api, path } from "../api/client.ts";
import { keys } from "../api/keys.ts";
import { TASK_INSTANCE_LIMIT } from "../api/queries.ts";
import type { DagRun, DagTask, TaskInstance } from "../api/types.ts";
import { formatDateTime, formatDuration, durationBetween } from "../lib/format.ts";
import { runAxisLabel } from "../lib/run-types.ts";
import { stateColor } from "../lib/states.ts";
import { GridDetails } from "./grid-details.tsx";
import { RunTypeIcon } from "./run-type-icon.tsx";

const ROWS_PER_PAGE = 100;

export function DagGrid({ dagId, runs, tasks }: { dagId: string; runs: DagRun[]; tasks: DagTask[] }) {
  const [page, setPage] = useState(0);
  const [search, setSearch] = useSearchParams();
  const selectedRun = search.get("run");
  const selectedTask = search.get("task");
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

  const select = (runId: string | null, taskId: string | null) => {
    const next = new URLSearchParams(search);
    // Selecting what is already selected closes the details, as in Airflow.
    const same = runId === selectedRun && taskId === selectedTask;
    if (runId === null || same) next.delete("run");
    else next.set("run", runId);
    if (taskId === null || same) next.delete("task");
    else next.set("task", taskId);
    setSearch(next, { replace: true });
  };

  if (runs.length === 0 && selectedRun === null) return <div className="empty">No runs yet. Trigger one to see its tasks here.</div>;
  return (
    <div className={selectedRun ? "grid-layout with-details" : "grid-layout"}>
      <div className="grid-wrap">
        <table className="dag-grid" data-testid="dag-grid">
          <thead>
            <tr>
              <th className="grid-task-head" rowSpan={2}>
                Task
              </th>
              {columns.map((run) => {
                const seconds = durationBetween(run.start_date, run.end_date) ?? 0;
                const selected = run.dag_run_id === selectedRun;
                return (
                  <th key={run.dag_run_id} className={selected ? "grid-run-head selected" : "grid-run-head"}>
                    <button
                      type="button"
                      onClick={() => select(run.dag_run_id, null)}
                      title={`${run.dag_run_id}\n${run.run_type} · ${run.state} · ${formatDateTime(run.logical_date)} · ${formatDuration(seconds)}`}
                      className="run-bar-link"
                      data-testid={`grid-run-${run.dag_run_id}`}
                      data-state={run.state}
                      data-run-type={run.run_type}
                      aria-pressed={selected && selectedTask === null}
                    >
                      <span className="run-bar" style={{ height: `${8 + 40 * (seconds / maxDuration)}px`, background: stateColor(run.state) }} />
                    </button>
                  </th>
                );
              })}
            </tr>
            <tr className="grid-axis" data-testid="grid-axis">
              {columns.map((run) => (
                <th key={run.dag_run_id} className={run.dag_run_id === selectedRun ? "grid-axis-cell selected" : "grid-axis-cell"}>
                  <RunTypeIcon type={run.run_type} />
                  <span className="grid-axis-label" data-testid={`grid-date-${run.dag_run_id}`}>
                    {runAxisLabel(run.logical_date)}
                  </span>
                </th>
              ))}
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
                  const selected = run.dag_run_id === selectedRun && task.task_id === selectedTask;
                  return (
                    <td key={run.dag_run_id} className={run.dag_run_id === selectedRun ? "grid-cell-td selected" : "grid-cell-td"}>
                      <button
                        type="button"
                        onClick={() => select(run.dag_run_id, task.task_id)}
                        className={selected ? "grid-cell selected" : "grid-cell"}
                        style={{ background: stateColor(state) }}
                        title={`${task.task_id} · ${run.dag_run_id}\n${state ?? "no state"}${ti?.duration ? ` · ${formatDuration(ti.duration)}` : ""}`}
                        data-testid={`cell-${run.dag_run_id}-${task.task_id}`}
                        data-state={state ?? "none"}
                        aria-pressed={selected}
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
      {selectedRun && <GridDetails dagId={dagId} runId={selectedRun} taskId={selectedTask} onClose={() => select(null, null)} />}
    </div>
  );
}
