// Flower's view: every worker, online or offline by heartbeat, with its queues, slots and counters.
import { Link } from "react-router";
import { path } from "../api/client.ts";
import { useWorkers } from "../api/queries.ts";
import type { Worker } from "../api/types.ts";
import { ErrorBox, Loading, PageHeader, Stat } from "../components/common.tsx";
import { formatDateTime, formatDuration, formatRelative } from "../lib/format.ts";

export function WorkerStatus({ status }: { status: Worker["status"] }) {
  return (
    <span className={`status status-${status}`} data-status={status}>
      <span className="status-dot" /> {status}
    </span>
  );
}

/** `*` is how the local executor registers: it runs tasks of every queue. */
export function queueLabel(queue: string): string {
  return queue === "*" ? "all queues" : queue;
}

export function uptime(worker: Worker, now = Date.now()): string {
  return worker.status === "online" ? formatDuration((now - Date.parse(worker.started_at)) / 1000) : "—";
}

export function WorkersPage() {
  const workers = useWorkers();
  const list = workers.data?.workers ?? [];
  const online = list.filter((w) => w.status === "online");
  // Queue coverage from the registry: which queues have an online worker, and how many slots.
  const queues = new Map<string, { workers: number; slots: number; active: number }>();
  for (const w of online) {
    for (const q of w.queues) {
      const entry = queues.get(q) ?? { workers: 0, slots: 0, active: 0 };
      queues.set(q, { workers: entry.workers + 1, slots: entry.slots + w.concurrency, active: entry.active + w.active });
    }
  }
  return (
    <>
      <PageHeader
        title="Workers"
        subtitle="Celery-style workers and local executors registered with this installation, by heartbeat"
        actions={
          <a className="btn" href="/queues">
            Queues (bull-board) ↗
          </a>
        }
      />
      {workers.error && <ErrorBox error={workers.error} />}
      <div className="stats">
        <Stat label="Online" value={<span data-testid="workers-online">{online.length}</span>} />
        <Stat label="Offline" value={list.length - online.length} />
        <Stat label="Active tasks" value={online.reduce((n, w) => n + w.active, 0)} />
        <Stat label="Slots" value={online.reduce((n, w) => n + w.concurrency, 0)} />
        <Stat label="Processed" value={list.reduce((n, w) => n + w.processed, 0)} />
        <Stat label="Failed" value={list.reduce((n, w) => n + w.failed, 0)} />
      </div>
      {workers.isPending ? (
        <Loading />
      ) : list.length === 0 ? (
        <div className="empty">
          No worker has registered yet. The local executor of <code>updraft standalone</code> and <code>updraft scheduler</code> shows here once it starts;
          with the distributed executor, start <code>updraft worker</code> processes.
        </div>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="workers-table">
            <thead>
              <tr>
                <th>Worker</th>
                <th>Status</th>
                <th>Host</th>
                <th className="right">PID</th>
                <th>Queues</th>
                <th className="right">Active / slots</th>
                <th className="right">Processed</th>
                <th className="right">Succeeded</th>
                <th className="right">Failed</th>
                <th>Last heartbeat</th>
                <th>Uptime</th>
              </tr>
            </thead>
            <tbody>
              {list.map((w) => (
                <tr key={w.name} data-testid={`worker-row-${w.name}`}>
                  <td>
                    <Link to={path`/workers/${w.name}`} className="strong-link">
                      {w.name}
                    </Link>
                  </td>
                  <td>
                    <WorkerStatus status={w.status} />
                  </td>
                  <td className="mono small">{w.hostname}</td>
                  <td className="right mono small">{w.pid}</td>
                  <td>
                    {w.queues.map((q) => (
                      <span key={q} className="tag">
                        {queueLabel(q)}
                      </span>
                    ))}
                  </td>
                  <td className="right">
                    <span className="meter" title={`${w.active} of ${w.concurrency} slots busy`}>
                      <span className="meter-fill" style={{ width: `${Math.min(100, (100 * w.active) / Math.max(1, w.concurrency))}%` }} />
                    </span>{" "}
                    {w.active} / {w.concurrency}
                  </td>
                  <td className="right">{w.processed}</td>
                  <td className="right ok">{w.succeeded}</td>
                  <td className={w.failed > 0 ? "right bad" : "right"}>{w.failed}</td>
                  <td title={formatDateTime(w.last_heartbeat)}>{formatRelative(w.last_heartbeat)}</td>
                  <td>{uptime(w)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {queues.size > 0 && (
        <>
          <h2 className="section-title">Queues served</h2>
          <div className="table-wrap">
            <table className="table compact" data-testid="queues-table">
              <thead>
                <tr>
                  <th>Queue</th>
                  <th className="right">Online workers</th>
                  <th className="right">Active / slots</th>
                </tr>
              </thead>
              <tbody>
                {[...queues.entries()].sort().map(([q, v]) => (
                  <tr key={q}>
                    <td>
                      <span className="tag">{queueLabel(q)}</span>
                    </td>
                    <td className="right">{v.workers}</td>
                    <td className="right">
                      {v.active} / {v.slots}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="muted small">Waiting job counts per queue are on the bull-board page at /queues.</p>
        </>
      )}
    </>
  );
}
