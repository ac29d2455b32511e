// The DAG as a graph: dagre's layout, drawn as SVG, nodes coloured by the selected run's states;
// a click on a node opens that task instance.
import { useMemo } from "react";
import { useNavigate } from "react-router";
import { path } from "../api/client.ts";
import type { DagDetail, TaskInstance } from "../api/types.ts";
import { layoutGraph } from "../lib/graph-layout.ts";
import { stateColor, stateTextColor } from "../lib/states.ts";

const LONGEST_STATE = "upstream_failed";

export function DagGraph({ detail, runId, taskInstances }: { detail: DagDetail; runId: string | undefined; taskInstances: TaskInstance[] }) {
  const navigate = useNavigate();
  const layout = useMemo(
    () =>
      layoutGraph(
        // Sized for the longest state any run may show, so boxes keep their width from run to run.
        detail.tasks.map((t) => ({ id: t.task_id, label: t.task_id, sublabel: `${t.kind} · ${LONGEST_STATE}` })),
        detail.edges.map((e) => ({ source: e.source_task_id, target: e.target_task_id })),
      ),
    [detail],
  );
  const states = new Map(taskInstances.map((ti) => [ti.task_id, ti.state]));
  const kinds = new Map(detail.tasks.map((t) => [t.task_id, t.kind]));
  return (
    <div className="graph-wrap">
      <svg width={layout.width} height={layout.height} viewBox={`0 0 ${layout.width} ${layout.height}`} className="dag-graph" data-testid="dag-graph" role="img" aria-label={`Graph of ${detail.dag_id}`}>
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="#8a94a6" />
          </marker>
        </defs>
        {layout.edges.map((e) => (
          <polyline
            key={`${e.source}->${e.target}`}
            points={e.points.map((p) => `${p.x},${p.y}`).join(" ")}
            fill="none"
            stroke="#8a94a6"
            strokeWidth={1.5}
            markerEnd="url(#arrow)"
            data-testid={`edge-${e.source}-${e.target}`}
          />
        ))}
        {layout.nodes.map((n) => {
          const state = runId === undefined ? undefined : (states.get(n.id) ?? null);
          const fill = state === undefined ? "#ffffff" : stateColor(state);
          return (
            <g
              key={n.id}
              transform={`translate(${n.x},${n.y})`}
              className="graph-node"
              data-testid={`node-${n.id}`}
              data-state={state ?? "none"}
              onClick={() => runId !== undefined && void navigate(path`/dags/${detail.dag_id}/runs/${runId}/tasks/${n.id}`)}
            >
              <title>{`${n.id} (${kinds.get(n.id) ?? "task"})${state ? `: ${state}` : ""}`}</title>
              <rect width={n.width} height={n.height} rx={8} fill={fill} stroke={state ? "rgba(0,0,0,0.18)" : "#c5cbd8"} strokeWidth={1.2} />
              <text x={12} y={19} fontSize={13} fontWeight={600} fill={state === undefined ? "#1f2430" : stateTextColor(state)}>
                {n.id}
              </text>
              <text x={12} y={34} fontSize={11} fill={state === undefined ? "#6b7385" : stateTextColor(state)} opacity={0.85}>
                {kinds.get(n.id) ?? "task"}
                {state !== undefined ? ` · ${state ?? "no state"}` : ""}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
