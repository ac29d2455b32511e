// The details beside the grid, as in Airflow 2: the selected run (type, dates, duration, its
// actions) or the selected task instance (state and why, try, duration, worker, log link, its
// actions), read from the API without leaving the DAG page.
import type { ReactNode } from "react";
import { Link } from "react-router";
import { path } from "../api/client.ts";
import { useDagRun, useTaskInstance } from "../api/queries.ts";
import { durationBetween, formatDateTime, formatDuration } from "../lib/format.ts";
import { useCanAct } from "../lib/roles.ts";
import { ErrorBox, Loading } from "./common.tsx";
import { RunActions } from "./run-actions.tsx";
import { RunTypeIcon } from "./run-type-icon.tsx";
import { StateBadge } from "./state.tsx";
import { TaskInstanceActions } from "./task-instance-actions.tsx";

function Row({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </>
  );
}

function RunDetails({ dagId, runId }: { dagId: string; runId: string }) {
  const run = useDagRun(dagId, runId);
  const canAct = useCanAct();
  if (run.error) return <ErrorBox error={run.error} />;
  if (!run.data) return <Loading />;
  const r = run.data;
  return (
    <>
      <dl className="details-list">
        <Row label="State" testId="details-state">
          <StateBadge state={r.state} />
        </Row>
        <Row label="Run type" testId="details-run-type">
          <RunTypeIcon type={r.run_type} /> {r.run_type}
        </Row>
        <Row label="Logical date">{formatDateTime(r.logical_date)}</Row>
        {r.data_interval_start && (
          <Row label="Data interval">
            {formatDateTime(r.data_interval_start)} – {formatDateTime(r.data_interval_end)}
          </Row>
        )}
        <Row label="Queued">{formatDateTime(r.queued_at)}</Row>
        <Row label="Started">{formatDateTime(r.start_date)}</Row>
        <Row label="Ended">{formatDateTime(r.end_date)}</Row>
        <Row label="Duration" testId="details-duration">
          {formatDuration(durationBetween(r.start_date, r.end_date))}
        </Row>
      </dl>
      <div className="details-links">
        <Link to={path`/dags/${dagId}/runs/${runId}`} className="btn btn-sm" data-testid="details-run-link">
          Run details & Gantt
        </Link>
        <Link to={`${path`/dags/${dagId}/graph`}?run=${encodeURIComponent(runId)}`} className="btn btn-sm">
          Graph
        </Link>
      </div>
      {canAct && <RunActions dagId={dagId} runId={runId} />}
    </>
  );
}

function TaskInstanceDetails({ dagId, runId, taskId }: { dagId: string; runId: string; taskId: string }) {
  const ti = useTaskInstance(dagId, runId, taskId);
  const canAct = useCanAct();
  if (ti.error) return <ErrorBox error={ti.error} />;
  if (!ti.data) return <Loading />;
  const t = ti.data;
  const page = path`/dags/${dagId}/runs/${runId}/tasks/${taskId}`;
  return (
    <>
      {t.state_reason && (
        <p className="state-reason" data-testid="details-reason">
          <strong>{t.state}:</strong> <ReasonText text={t.state_reason} />
        </p>
      )}
      <dl className="details-list">
        <Row label="State" testId="details-state">
          <StateBadge state={t.state} />
        </Row>
        <Row label="Try" testId="details-try">
          {t.try_number === 0 ? "not run" : `${t.try_number} of ${t.max_tries + 1}`}
        </Row>
        <Row label="Started">{formatDateTime(t.start_date)}</Row>
        <Row label="Ended">{formatDateTime(t.end_date)}</Row>
        <Row label="Duration" testId="details-duration">
          {formatDuration(t.duration ?? (t.state === "running" ? durationBetween(t.start_date, null) : null))}
        </Row>
        <Row label="Worker / host" testId="details-worker">
          <span className="mono small">
            {t.worker_name ?? "—"} / {t.hostname ?? "—"}
          </span>
        </Row>
        <Row label="Queue / pool">
          {t.queue} / {t.pool}
        </Row>
      </dl>
      <div className="details-links">
        {t.try_number > 0 && (
          <Link to={`${page}?try=${t.try_number}#log`} className="btn btn-sm" data-testid="details-log-link">
            Log of try {t.try_number}
          </Link>
        )}
        <Link to={page} className="btn btn-sm">
          Task instance page
        </Link>
      </div>
      {canAct && <TaskInstanceActions dagId={dagId} runId={runId} taskId={taskId} />}
    </>
  );
}

/** Reason text with `code` spans for the task ids in backticks. */
export function ReasonText({ text }: { text: string }) {
  return (
    <>
      {text.split(/(`[^`]+`)/).map((part, i) => (part.startsWith("`") && part.endsWith("`") ? <code key={i}>{part.slice(1, -1)}</code> : <span key={i}>{part}</span>))}
    </>
  );
}

export function GridDetails({ dagId, runId, taskId, onClose }: { dagId: string; runId: string; taskId: string | null; onClose: () => void }) {
  return (
    <aside className="grid-details" data-testid="grid-details" aria-label={taskId ? `Task instance ${taskId}` : `Run ${runId}`}>
      <div className="grid-details-head">
        <div className="min0">
          <div className="muted small truncate" title={runId}>
            {taskId ? runId : "Run"}
          </div>
          <h2 className="truncate" title={taskId ?? runId}>
            {taskId ?? runId}
          </h2>
        </div>
        <button type="button" className="btn btn-sm btn-ghost" onClick={onClose} aria-label="Close details">
          ✕
        </button>
      </div>
      {taskId ? <TaskInstanceDetails dagId={dagId} runId={runId} taskId={taskId} /> : <RunDetails dagId={dagId} runId={runId} />}
    </aside>
  );
}
