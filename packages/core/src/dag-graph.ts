// Graph facts about a DAG's tasks: validation (duplicate ids, unknown dependencies, cycles),
// topological order and downstream closure. Works on any `{ taskId, upstream }` list so the SDK
// (at definition time) and the scheduler (on serialized DAGs) share one implementation.
import { UpdraftError } from "./errors.ts";

export interface GraphNode {
  readonly taskId: string;
  readonly upstream: readonly string[];
}

export interface DagGraph {
  /** Task ids in a dependency-respecting order (upstream first; ties by definition order). */
  readonly order: readonly string[];
  readonly upstream: ReadonlyMap<string, readonly string[]>;
  readonly downstream: ReadonlyMap<string, readonly string[]>;
}

/** Validates the task list and returns its graph; throws a typed UpdraftError on the first problem. */
export function buildDagGraph(dagId: string, nodes: readonly GraphNode[]): DagGraph {
  const upstream = new Map<string, readonly string[]>();
  for (const node of nodes) {
    if (upstream.has(node.taskId)) {
      throw new UpdraftError("UPDRAFT_DAG_DUPLICATE_TASK_ID", `DAG "${dagId}" has two tasks with id "${node.taskId}"`, {
        details: { dagId, taskId: node.taskId },
      });
    }
    upstream.set(node.taskId, node.upstream);
  }
  const downstream = new Map<string, string[]>([...upstream.keys()].map((id) => [id, []]));
  for (const node of nodes) {
    for (const up of node.upstream) {
      const list = downstream.get(up);
      if (!list) {
        throw new UpdraftError(
          "UPDRAFT_DAG_UNKNOWN_DEPENDENCY",
          `task "${node.taskId}" of DAG "${dagId}" depends on "${up}", which is not a task of this DAG`,
          { details: { dagId, taskId: node.taskId, dependency: up } },
        );
      }
      list.push(node.taskId);
    }
  }
  return { order: topologicalOrder(dagId, nodes, downstream), upstream, downstream };
}

// Kahn's algorithm, seeded in definition order so the order is stable and readable.
function topologicalOrder(dagId: string, nodes: readonly GraphNode[], downstream: Map<string, string[]>): string[] {
  const pending = new Map(nodes.map((n) => [n.taskId, new Set(n.upstream).size]));
  const ready = nodes.filter((n) => pending.get(n.taskId) === 0).map((n) => n.taskId);
  const order: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift()!;
    order.push(id);
    for (const down of new Set(downstream.get(id))) {
      const left = pending.get(down)! - 1;
      pending.set(down, left);
      if (left === 0) ready.push(down);
    }
  }
  if (order.length < nodes.length) {
    const cycle = findCycle(nodes.filter((n) => pending.get(n.taskId)! > 0));
    throw new UpdraftError("UPDRAFT_DAG_CYCLE", `DAG "${dagId}" has a cycle: ${cycle.join(" -> ")}`, {
      details: { dagId, cycle },
    });
  }
  return order;
}

// Walk upstream edges among the nodes left in a cycle until a node repeats.
function findCycle(stuck: readonly GraphNode[]): string[] {
  const byId = new Map(stuck.map((n) => [n.taskId, n]));
  const path: string[] = [];
  let current = stuck[0];
  while (current && !path.includes(current.taskId)) {
    path.push(current.taskId);
    current = current.upstream.map((id) => byId.get(id)).find((n) => n !== undefined);
  }
  if (!current) return path;
  const loop = path.slice(path.indexOf(current.taskId));
  // Edges point upstream while walking; print them in dependency direction.
  return [...loop, current.taskId].reverse();
}

/** Every task reachable downstream of `taskId` (not including itself). */
export function downstreamClosure(graph: DagGraph, taskId: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(graph.downstream.get(taskId) ?? [])];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(graph.downstream.get(id) ?? []));
  }
  return seen;
}
