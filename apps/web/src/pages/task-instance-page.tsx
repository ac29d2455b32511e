// One task instance: its tries (state, worker, times), the log of the chosen try (tailing while
// it runs), its result, why it is not running when it waits, and the clear and mark actions.
import { useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { path } from "../api/client.ts";
import { useDependencies, useTaskInstance } from "../api/queries.ts";
import type { TaskInstanceDetail, TaskTry } from "../api/types.ts";
import { Card, ErrorBox, JsonView, Loading, PageHeader, Stat } from "../components/common.tsx";
import { ReasonText } from "../components/grid-details.tsx";
import { LogViewer } from "../components/log-viewer.tsx";
import { TaskInstanceActions } from "../components/task-instance-actions.tsx";
import { StateBadge } from "../components/state.tsx";
import { durationBetween, formatDateTime, formatDuration } from "../lib/format.ts";
import { useCanAct } from "../lib/roles.ts";
import { isWaiting } from "../lib/states.ts";

/** Finished tries from history plus the current one while it is not finished yet. */
export function allTries(ti: TaskInstanceDetail): TaskTry[] {
  const tries = [...ti.tries];
  if (ti.try_number > 0 && ti.state !== null && !tries.some((t) => t.try_number === ti.try_number)) {
    tries.push({
      try_number: ti.try_number,
      state: ti.state,
      start_date: ti.start_date,
      end_date: ti.end_date,
      duration: ti.duration,
      hostname: ti.hostname,
      worker_name: ti.worker_name,
      error: null,
    });
  }
  return tries.sort((a, b) => a.try_number - b.try_number);
}

function WhyWaiting({ dagId, runId, taskId }: { dagId: string; runId: string; taskId: string }) {
  const deps = useDependencies(dagId, runId, taskId, true);
  return (
    <Card title="Why is it not running?" className="card-warn">
      {deps.error && <ErrorBox error={deps.error} />}
      {deps.data && deps.data.dependencies.length === 0 && <p className="muted">Nothing holds it back; the scheduler will pick it up on its next pass.</p>}
      <ul className="deps" data-testid="dependencies">
        {deps.data?.dependencies.map((d, i) => (
          <li key={i}>
            <span className="tag">{d.name}</span> {d.reason}
          </li>
        ))}
      </ul>
    </Card>
  );
}

export function TaskInstancePage() {
  const { dagId, runId, taskId } = useParams() as { dagId: string; runId: string; taskId: string };
  const ti = useTaskInstance(dagId, runId, taskId);
  const canAct = useCanAct();
  const [search] = useSearchParams();
  const tryParam = Number(search.get("try"));
  const [chosenTry, setChosenTry] = useState<number | null>(Number.isInteger(tryParam) && tryParam > 0 ? tryParam : null);
  const data = ti.data;
  const tries = data ? allTries(data) : [];
  const shownTry = chosenTry ?? (data && data.try_number > 0 ? data.try_number : null);
  const live = data !== undefined && shownTry === data.try_number && (data.state === "running" || data.state === "queued");

  return (
    <>
      <PageHeader
        crumbs={
          <>
            <Link to="/dags">DAGs</Link> / <Link to={path`/dags/${dagId}`}>{dagId}</Link> / <Link to={path`/dags/${dagId}/runs/${runId}`}>{runId}</Link>
          </>
        }
        title={
          <span>
            {taskId} {data && <StateBadge state={data.state} />}
          </span>
        }
        actions={canAct ? <TaskInstanceActions dagId={dagId} runId={runId} taskId={taskId} /> : undefined}
      />
      {ti.error && <ErrorBox error={ti.error} />}
      {!data && !ti.error && <Loading />}
      {data && (
        <>
          <div className="stats">
            <Stat label="Try" value={`${data.try_number} of ${data.max_tries + 1}`} />
            <Stat label="Started" value={formatDateTime(data.start_date)} />
            <Stat label="Ended" value={formatDateTime(data.end_date)} />
            <Stat label="Duration" value={formatDuration(data.duration ?? (data.state === "running" ? durationBetween(data.start_date, null) : null))} />
            <Stat label="Worker" value={<span className="mono small" data-testid="ti-worker">{data.worker_name ?? "—"}</span>} />
            <Stat label="Host" value={<span className="mono small">{data.hostname ?? "—"}</span>} />
            <Stat label="Queue / pool" value={`${data.queue} / ${data.pool}`} />
            {data.next_retry_at && <Stat label="Next retry" value={formatDateTime(data.next_retry_at)} />}
          </div>
          {data.state_reason && (
            <p className="state-reason" data-testid="state-reason">
              <strong>{data.state}:</strong> <ReasonText text={data.state_reason} />
            </p>
          )}
          {isWaiting(data.state) && <WhyWaiting dagId={dagId} runId={runId} taskId={taskId} />}
          <Card title="Tries">
            {tries.length === 0 ? (
              <p className="muted" data-testid="no-tries">
                {data.state_reason ? `No try: it was ${data.state} without running.` : data.state === null || isWaiting(data.state) ? "Not run yet." : `No try: it was set to ${data.state} without running.`}
              </p>
            ) : (
              <table className="table compact" data-testid="tries">
                <thead>
                  <tr>
                    <th>Try</th>
                    <th>State</th>
                    <th>Worker / host</th>
                    <th>Started</th>
                    <th>Ended</th>
                    <th>Duration</th>
                    <th>Error</th>
                  </tr>
                </thead>
                <tbody>
                  {tries.map((t) => (
                    <tr key={t.try_number} className={t.try_number === shownTry ? "selected" : ""}>
                      <td>
                        <button type="button" className="btn-link" onClick={() => setChosenTry(t.try_number)}>
                          #{t.try_number}
                        </button>
                      </td>
                      <td>
                        <StateBadge state={t.state} />
                      </td>
                      <td className="mono small">
                        {t.worker_name ?? "—"} / {t.hostname ?? "—"}
                      </td>
                      <td>{formatDateTime(t.start_date)}</td>
                      <td>{formatDateTime(t.end_date)}</td>
                      <td>{formatDuration(t.duration ?? (t.end_date === null ? durationBetween(t.start_date, null) : null))}</td>
                      <td className="error-cell">{t.error ?? ""}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
          <Card title={shownTry === null ? "Log" : `Log of try ${shownTry}`}>
            {shownTry === null ? <p className="muted">No try has started yet.</p> : <LogViewer dagId={dagId} runId={runId} taskId={taskId} tryNumber={shownTry} live={live} />}
          </Card>
          <Card title="Result">
            {data.result === null ? <p className="muted">No result (the task returned nothing, or has not finished).</p> : <JsonView value={data.result} />}
          </Card>
        </>
      )}
    </>
  );
}
