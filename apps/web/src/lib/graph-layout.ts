// Lays a DAG out left to right with dagre: node boxes and edge polylines in one coordinate space,
// ready to draw as SVG. Pure, so it is unit-tested without a browser.
import dagre from "@dagrejs/dagre";

export interface LaidOutNode {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LaidOutEdge {
  source: string;
  target: string;
  points: Array<{ x: number; y: number }>;
}

export interface GraphLayout {
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
  width: number;
  height: number;
}

export const NODE_HEIGHT = 44;

export function layoutGraph(nodes: Array<{ id: string; label: string }>, edges: Array<{ source: string; target: string }>): GraphLayout {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: 18, ranksep: 60, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) {
    // Wide enough for the label in the UI font (about 7.5 px per character at 13 px).
    g.setNode(n.id, { width: Math.max(110, Math.min(320, n.label.length * 7.5 + 40)), height: NODE_HEIGHT });
  }
  for (const e of edges) g.setEdge(e.source, e.target);
  dagre.layout(g);
  const graph = g.graph();
  return {
    nodes: nodes.map((n) => {
      const laid = g.node(n.id);
      return { id: n.id, x: laid.x - laid.width / 2, y: laid.y - laid.height / 2, width: laid.width, height: laid.height };
    }),
    edges: edges.map((e) => ({ source: e.source, target: e.target, points: g.edge(e.source, e.target)?.points ?? [] })),
    width: graph.width ?? 0,
    height: graph.height ?? 0,
  };
}
