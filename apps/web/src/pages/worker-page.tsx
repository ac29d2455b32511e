// One worker: its registration, what it runs now and what it finished recently.
import { Link, useParams } from "react-router";
import { path } from "../api/client.ts";
import { useWorker } from "../api/queries.ts";
import type { WorkerTaskInstance } from "../api/types.ts";
import { Card, ErrorBox, Loading, PageHeader, Stat } from "../components/common.tsx";
import { StateBadge } from "../components/state.tsx";
import { durationBetween, formatDateTime, formatDuration, formatRelative } from "../lib/format.ts";
import { queueLabel, uptime, WorkerStatus } from "./workers-page.tsx";

function TaskTable({ rows, empty }: { rows: WorkerTaskInstance[]; empty: string }) {
  if (rows.length === 0) return <p className="muted">{empty}</p>;
  return (
    <table className="table compact">
      <thead>
        <tr>
          <th>DAG</th>
          <th>Run</th>
          <th>Task</th>
          <th>Try</th>
          <th>State</th>
          <th>Started</th>
          <th>Duration</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((t) => (
          <tr key={`${t.dag_id}/${t.dag_run_id}/${t.task_id}/${t.try_number}`}>
            <td>
              <Link to={path`/dags/${t.dag_id}`}>{t.dag_id}</Link>
            </td>
            <td>
              <Link to={path`/dags/${t.dag_id}/runs/${t.dag_run_id}`}>{t.dag_run_id}</Link>
            </td>
            <td>
              <Link to={path`/dags/${t.dag_id}/runs/${t.dag_run_id}/tasks/${t.task_id}`}>{t.task_id}</Link>
            </td>
            <td>{t.try_number}</td>
            <td>
              <StateBadge state={t.state} />
            </td>
            <td>{formatDateTime(t.start_date)}</td>
            <td>{formatDuration(t.duration ?? durationBetween(t.start_date, t.end_date))}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function WorkerPage() {
  const name = useParams().name!;
  const worker = useWorker(name);
  const w = worker.data;
  return (
    <>
      <PageHeader crumbs={<Link to="/workers">Workers</Link>} title={<span>{name} {w && <WorkerStatus status={w.status} />}</span>} />
      {worker.error && <ErrorBox error={worker.error} />}
      {!w && !worker.error && <Loading />}
      {w && (
        <>
          <div className="stats">
            <Stat label="Host / PID" value={<span className="mono small">{`${w.hostname} · ${w.pid}`}</span>} />
            <Stat label="Queues" value={w.queues.map(queueLabel).join(", ")} />
            <Stat label="Active / slots" value={`${w.active} / ${w.concurrency}`} />
            <Stat label="Processed" value={w.processed} />
            <Stat label="Succeeded / failed" value={`${w.succeeded} / ${w.failed}`} />
            <Stat label="Last heartbeat" value={formatRelative(w.last_heartbeat)} />
            <Stat label="Uptime" value={uptime(w)} />
          </div>
          <Card title={`Running now (${w.running_task_instances.length})`}>
            <TaskTable rows={w.running_task_instances} empty="Nothing runs on this worker right now." />
          </Card>
          <Card title="Recently finished">
            <TaskTable rows={w.recent_task_instances} empty="No finished tries recorded for this worker." />
          </Card>
        </>
      )}
    </>
  );
}
