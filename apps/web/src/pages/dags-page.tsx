// The DAG list: what exists, whether it is paused, how its latest runs went, when it runs next,
// and which files failed to import.
import { useState } from "react";
import { Link } from "react-router";
import { path } from "../api/client.ts";
import { useDags, useImportErrors, useRecentRuns } from "../api/queries.ts";
import type { Dag, DagRun } from "../api/types.ts";
import { ErrorBox, Loading, PageHeader } from "../components/common.tsx";
import { NextRun } from "../components/next-run.tsx";
import { PauseToggle } from "../components/pause-toggle.tsx";
import { StateDot } from "../components/state.tsx";
import { TriggerButton } from "../components/trigger-button.tsx";

const RECENT_RUNS = 8;

/** The DAG's newest runs, oldest first, from the page's one batched request (undefined: loading). */
function RecentRuns({ dagId, runs }: { dagId: string; runs: DagRun[] | undefined }) {
  if (!runs) return <span className="muted">…</span>;
  if (runs.length === 0) return <span className="muted">no runs yet</span>;
  return (
    <span className="run-dots" data-testid={`recent-runs-${dagId}`}>
      {[...runs].reverse().map((r) => (
        <Link key={r.dag_run_id} to={path`/dags/${dagId}/runs/${r.dag_run_id}`} className="run-dot-link">
          <StateDot state={r.state} title={`${r.dag_run_id}: ${r.state}`} size={14} />
        </Link>
      ))}
    </span>
  );
}

function ImportErrorsBanner() {
  const errors = useImportErrors();
  const [open, setOpen] = useState(false);
  const list = errors.data?.import_errors ?? [];
  if (list.length === 0) return null;
  return (
    <div className="alert alert-error import-errors" role="alert" data-testid="import-errors">
      <button type="button" className="btn-link" onClick={() => setOpen(!open)}>
        {open ? "▾" : "▸"} {list.length} DAG file{list.length === 1 ? "" : "s"} failed to import
      </button>
      {open &&
        list.map((e) => (
          <div key={e.import_error_id} className="import-error" data-testid={`import-error-${e.filename}`}>
            {/* The first line says where and what (file:line:col: message); a code frame follows. */}
            <strong className="mono">{e.stack_trace.split("\n")[0]}</strong>
            <pre className="code small">{e.stack_trace.split("\n").slice(1).join("\n").replace(/^\n+/, "") || e.filename}</pre>
          </div>
        ))}
    </div>
  );
}

function DagRow({ dag, runs }: { dag: Dag; runs: DagRun[] | undefined }) {
  return (
    <tr data-testid={`dag-row-${dag.dag_id}`}>
      <td>
        <PauseToggle dag={dag} />
      </td>
      <td>
        <Link to={path`/dags/${dag.dag_id}`} className="strong-link">
          {dag.dag_id}
        </Link>
        {dag.description && <div className="muted small">{dag.description}</div>}
      </td>
      <td>
        {dag.tags.map((t) => (
          <span key={t.name} className="tag">
            {t.name}
          </span>
        ))}
      </td>
      <td>
        <code className="schedule">{dag.schedule_interval?.value ?? "manual"}</code>
      </td>
      <td>
        <RecentRuns dagId={dag.dag_id} runs={runs} />
      </td>
      <td>
        <NextRun dag={dag} />
      </td>
      <td className="right">
        <TriggerButton dagId={dag.dag_id} compact />
      </td>
    </tr>
  );
}

export function DagsPage() {
  const dags = useDags();
  const [filter, setFilter] = useState("");
  const [status, setStatus] = useState<"all" | "active" | "paused">("all");
  const all = dags.data?.dags ?? [];
  const shown = all.filter(
    (d) =>
      (filter === "" || d.dag_id.toLowerCase().includes(filter.toLowerCase()) || d.tags.some((t) => t.name.includes(filter.toLowerCase()))) &&
      (status === "all" || (status === "paused") === d.is_paused),
  );
  // Every shown DAG's recent runs in one request, not one per DAG (issue 13, item 14).
  const recent = useRecentRuns(
    shown.map((d) => d.dag_id),
    RECENT_RUNS,
  );
  return (
    <>
      <PageHeader title="DAGs" subtitle={dags.data ? `${dags.data.total_entries} DAGs · ${all.filter((d) => !d.is_paused).length} active` : undefined} />
      <ImportErrorsBanner />
      <div className="toolbar">
        <input className="search" placeholder="Filter by id or tag" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Filter DAGs" />
        <div className="segmented">
          {(["all", "active", "paused"] as const).map((s) => (
            <button key={s} type="button" className={status === s ? "on" : ""} onClick={() => setStatus(s)}>
              {s}
            </button>
          ))}
        </div>
      </div>
      {dags.error && <ErrorBox error={dags.error} />}
      {dags.isPending ? (
        <Loading />
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="dags-table">
            <thead>
              <tr>
                <th className="narrow" title="Active">On</th>
                <th>DAG</th>
                <th>Tags</th>
                <th>Schedule</th>
                <th>Recent runs</th>
                <th>Next run</th>
                <th className="right">Trigger</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((d) => (
                <DagRow key={d.dag_id} dag={d} runs={recent.data?.get(d.dag_id)} />
              ))}
              {shown.length === 0 && (
                <tr>
                  <td colSpan={7} className="muted center">
                    No DAGs match.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
