// One DAG run: its state and times, the Gantt chart of its task tries, its task instances and conf.
import { useState } from "react";
import { Link, useParams } from "react-router";
import { path } from "../api/client.ts";
import { useDagRun, useRunTries, useTaskInstances } from "../api/queries.ts";
import { Card, ErrorBox, JsonView, Loading, PageHeader, Stat } from "../components/common.tsx";
import { GanttChart } from "../components/gantt-chart.tsx";
import { RunActions } from "../components/run-actions.tsx";
import { StateBadge } from "../components/state.tsx";
import { durationBetween, formatDateTime, formatDuration } from "../lib/format.ts";
import { useCanAct } from "../lib/roles.ts";

const TI_PAGE = 100;

export function RunPage() {
  const { dagId, runId } = useParams() as { dagId: string; runId: string };
  const run = useDagRun(dagId, runId);
  const tries = useRunTries(dagId, runId);
  const tis = useTaskInstances(dagId, runId);
  const [page, setPage] = useState(0);
  const canAct = useCanAct();
  const all = tis.data?.task_instances ?? [];
  const shown = all.slice(page * TI_PAGE, (page + 1) * TI_PAGE);

  return (
    <>
      <PageHeader
        crumbs={
          <>
            <Link to="/dags">DAGs</Link> / <Link to={path`/dags/${dagId}`}>{dagId}</Link>
          </>
        }
        title={
          <span>
            {runId} {run.data && <StateBadge state={run.data.state} />}
          </span>
        }
        actions={
          <>
            {canAct && <RunActions dagId={dagId} runId={runId} leaveOnDelete />}
            <Link to={`${path`/dags/${dagId}/graph`}?run=${encodeURIComponent(runId)}`} className="btn btn-sm">
              Graph
            </Link>
          </>
        }
      />
      {run.error && <ErrorBox error={run.error} />}
      {run.data && (
        <div className="stats">
          <Stat label="Type" value={run.data.run_type} />
          <Stat label="Logical date" value={formatDateTime(run.data.logical_date)} />
          <Stat label="Queued" value={formatDateTime(run.data.queued_at)} />
          <Stat label="Started" value={formatDateTime(run.data.start_date)} />
          <Stat label="Ended" value={formatDateTime(run.data.end_date)} />
          <Stat label="Duration" value={formatDuration(durationBetween(run.data.start_date, run.data.end_date))} />
        </div>
      )}
      <Card title="Gantt">
        {tries.error && <ErrorBox error={tries.error} />}
        {tries.data ? <GanttChart dagId={dagId} runId={runId} tries={tries.data.tries} /> : <Loading />}
      </Card>
      <div className="two-col">
        <Card title={`Task instances${tis.data ? ` (${tis.data.total_entries})` : ""}`}>
          {tis.isPending && <Loading />}
          <div className="table-wrap">
            <table className="table compact" data-testid="run-task-instances">
              <thead>
                <tr>
                  <th>Task</th>
                  <th>State</th>
                  <th>Try</th>
                  <th>Started</th>
                  <th>Duration</th>
                  <th>Worker / host</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((ti) => (
                  <tr key={ti.task_id}>
                    <td>
                      <Link to={path`/dags/${dagId}/runs/${runId}/tasks/${ti.task_id}`}>{ti.task_id}</Link>
                    </td>
                    <td>
                      <StateBadge state={ti.state} />
                    </td>
                    <td>
                      {ti.try_number}/{ti.max_tries + 1}
                    </td>
                    <td>{formatDateTime(ti.start_date)}</td>
                    <td>{formatDuration(ti.duration ?? (ti.state === "running" ? durationBetween(ti.start_date, null) : null))}</td>
                    <td className="mono small" data-testid={`worker-${ti.task_id}`}>
                      {ti.worker_name ?? "—"} / {ti.hostname ?? "—"}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {all.length > TI_PAGE && (
            <div className="pager">
              <button type="button" className="btn btn-sm" disabled={page === 0} onClick={() => setPage(page - 1)}>
                ‹ Prev
              </button>
              <span className="muted">
                {page * TI_PAGE + 1}–{Math.min(all.length, (page + 1) * TI_PAGE)} of {all.length}
              </span>
              <button type="button" className="btn btn-sm" disabled={(page + 1) * TI_PAGE >= all.length} onClick={() => setPage(page + 1)}>
                Next ›
              </button>
            </div>
          )}
        </Card>
        <Card title="Conf">{run.data ? <JsonView value={run.data.conf} /> : <Loading />}</Card>
      </div>
    </>
  );
}
