// Turns what a branch function returned into the ids of the tasks it follows, checking that each
// is a direct downstream task of the branch (anything else is a mistake in the DAG).
import { UpdraftError, type DagGraph } from "@updraft/core";

/** What a branch returns to follow every direct downstream task (latestOnly() does when the run is the latest). */
export const FOLLOW_ALL_DOWNSTREAM: unique symbol = Symbol.for("updraft.branch-follow-all");

export function normaliseBranchChoice(graph: DagGraph, branchTaskId: string, choice: unknown): string[] {
  if (choice === FOLLOW_ALL_DOWNSTREAM) return [...new Set(graph.downstream.get(branchTaskId) ?? [])];
  const raw = choice === null || choice === undefined ? [] : Array.isArray(choice) ? choice : [choice];
  const ids = raw.map((item: unknown) => {
    if (typeof item === "string") return item;
    if (typeof item === "object" && item !== null && typeof (item as { taskId?: unknown }).taskId === "string") {
      return (item as { taskId: string }).taskId;
    }
    throw new UpdraftError("UPDRAFT_TASK_FAILED", `branch "${branchTaskId}" returned ${JSON.stringify(item)}, not a task or task id`);
  });
  const direct = new Set(graph.downstream.get(branchTaskId) ?? []);
  const unknown = ids.filter((id) => !direct.has(id));
  if (unknown.length > 0) {
    throw new UpdraftError(
      "UPDRAFT_TASK_FAILED",
      `branch "${branchTaskId}" chose ${unknown.map((id) => `"${id}"`).join(", ")}, which ${unknown.length > 1 ? "are" : "is"} not directly downstream of it (downstream: ${[...direct].join(", ") || "none"})`,
    );
  }
  return [...new Set(ids)];
}
