// One DAG: its grid of runs × tasks, its graph coloured by a chosen run, and its source.
import { Link, useParams, useSearchParams } from "react-router";
import { path } from "../api/client.ts";
import { useDag, useDagDetail, useDagRuns, useDagSource, useTaskInstances } from "../api/queries.ts";
import { ErrorBox, Loading, PageHeader, Stat, Tabs } from "../components/common.tsx";
import { DagGraph } from "../components/dag-graph.tsx";
import { DagGrid } from "../components/dag-grid.tsx";
import { NextRun } from "../components/next-run.tsx";
import { PauseToggle } from "../components/pause-toggle.tsx";
import { RunTypeLegend } from "../components/run-type-icon.tsx";
import { StateBadge, StateLegend } from "../components/state.tsx";
import { TriggerButton } from "../components/trigger-button.tsx";
import { formatDateTime } from "../lib/format.ts";

const GRID_RUNS = 25;

type Tab = "grid" | "graph" | "source";

export function DagPage({ tab }: { tab: Tab }) {
  const dagId = useParams().dagId!;
  const dag = useDag(dagId);
  const detail = useDagDetail(dagId);
  const runs = useDagRuns(dagId, GRID_RUNS);
  const base = path`/dags/${dagId}`;

  return (
    <>
      <PageHeader
        crumbs={<Link to="/dags">DAGs</Link>}
        title={
          <span className="title-with-toggle">
            {dag.data && <PauseToggle dag={dag.data} />} {dagId}
          </span>
        }
        subtitle={dag.data?.description ?? undefined}
        actions={<TriggerButton dagId={dagId} />}
      />
      {dag.error && <ErrorBox error={dag.error} />}
      {dag.data && (
        <div className="stats">
          <Stat label="Schedule" value={<code>{dag.data.schedule_interval?.value ?? "manual"}</code>} />
          <Stat label="Next run" value={<NextRun dag={dag.data} detailed />} />
          <Stat label="Latest run" value={runs.data?.dag_runs[0] ? <StateBadge state={runs.data.dag_runs[0].state} /> : "—"} />
          <Stat label="Tasks" value={dag.data.task_ids.length} />
          <Stat label="Max active runs / tasks" value={`${dag.data.max_active_runs} / ${dag.data.max_active_tasks}`} />
          <Stat label="File" value={<code className="small">{dag.data.fileloc}</code>} />
          <Stat label="Parsed" value={formatDateTime(dag.data.last_parsed_time)} />
        </div>
      )}
      <Tabs
        tabs={[
          { to: base, label: "Grid" },
          { to: `${base}/graph`, label: "Graph" },
          { to: `${base}/source`, label: "Source" },
        ]}
      />
      <div className="tab-panel">
        {tab === "grid" && (
          <>
            {(runs.isPending || detail.isPending) && <Loading />}
            {(runs.error ?? detail.error) && <ErrorBox error={runs.error ?? detail.error} />}
            {runs.data && detail.data && <DagGrid dagId={dagId} runs={runs.data.dag_runs} tasks={detail.data.tasks} />}
            <StateLegend />
            <RunTypeLegend />
          </>
        )}
        {tab === "graph" && <GraphTab dagId={dagId} />}
        {tab === "source" && <SourceTab dagId={dagId} />}
      </div>
    </>
  );
}

function GraphTab({ dagId }: { dagId: string }) {
  const detail = useDagDetail(dagId);
  const runs = useDagRuns(dagId, GRID_RUNS);
  const [search, setSearch] = useSearchParams();
  const runId = search.get("run") ?? runs.data?.dag_runs[0]?.dag_run_id;
  const tis = useTaskInstances(dagId, runId);
  if (detail.error) return <ErrorBox error={detail.error} />;
  if (!detail.data) return <Loading />;
  return (
    <>
      <div className="toolbar">
        <label className="inline-field">
          Run{" "}
          <select value={runId ?? ""} onChange={(e) => setSearch({ run: e.target.value })} aria-label="Run shown in the graph">
            {(runs.data?.dag_runs ?? []).map((r) => (
              <option key={r.dag_run_id} value={r.dag_run_id}>
                {r.dag_run_id} ({r.state})
              </option>
            ))}
            {runs.data?.dag_runs.length === 0 && <option value="">no runs yet</option>}
          </select>
        </label>
        {runId && (
          <Link to={path`/dags/${dagId}/runs/${runId}`} className="btn btn-sm">
            Run details & Gantt
          </Link>
        )}
      </div>
      <DagGraph detail={detail.data} runId={runId} taskInstances={tis.data?.task_instances ?? []} />
      <StateLegend />
    </>
  );
}

function SourceTab({ dagId }: { dagId: string }) {
  const source = useDagSource(dagId);
  if (source.error) return <ErrorBox error={source.error} />;
  if (!source.data) return <Loading />;
  const lines = source.data.content.split("\n");
  return (
    <div className="source" data-testid="dag-source">
      <div className="source-head mono">{source.data.fileloc}</div>
      <pre className="code source-code">
        {lines.map((line, i) => (
          <div key={i} className="source-line">
            <span className="line-no">{i + 1}</span>
            <span>{line || " "}</span>
          </div>
        ))}
      </pre>
    </div>
  );
}
