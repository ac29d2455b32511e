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

/**
 * Box width for a node: the wider of its label (13 px, about 7.5 px a character) and its second
 * line (11 px, about 6.6 px a character), so "python · upstream_failed" is never clipped.
 */
export function nodeWidth(label: string, sublabel = ""): number {
  return Math.max(110, Math.min(360, Math.max(label.length * 7.5, sublabel.length * 6.6) + 40));
}

export function layoutGraph(nodes: Array<{ id: string; label: string; sublabel?: string }>, edges: Array<{ source: string; target: string }>): GraphLayout {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: 18, ranksep: 60, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) {
    g.setNode(n.id, { width: nodeWidth(n.label, n.sublabel), height: NODE_HEIGHT });
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
