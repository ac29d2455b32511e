import { describe, expect, it } from "vitest";
import {
  buildDagGraph,
  decideRunProgress,
  type TaskInstanceSnapshot,
  type TaskInstanceState,
  type TriggerRule,
} from "../src/index.ts";

// parallel_tasks: t1 >> [t2, t3] >> t4
const graph = buildDagGraph("p", [
  { taskId: "t1", upstream: [] },
  { taskId: "t2", upstream: ["t1"] },
  { taskId: "t3", upstream: ["t1"] },
  { taskId: "t4", upstream: ["t2", "t3"] },
]);
const now = new Date("2026-01-01T00:00:00Z");

function decide(
  states: Record<string, TaskInstanceState | null | TaskInstanceSnapshot>,
  rules: Record<string, TriggerRule> = {},
  branchFollowed: Record<string, string[]> = {},
  g = graph,
) {
  const instances = new Map(
    Object.entries(states).map(([id, s]) => [id, s !== null && typeof s === "object" ? s : { state: s }]),
  );
  return decideRunProgress({
    graph: g,
    triggerRules: new Map(Object.entries(rules)),
    instances,
    branchFollowed: new Map(Object.entries(branchFollowed)),
    now,
  });
}

const moves = (p: ReturnType<typeof decide>) => p.transitions.map((t) => `${t.taskId}:${t.to}`);

describe("decideRunProgress", () => {
  it("schedules only the root of a fresh run", () => {
    const p = decide({ t1: null, t2: null, t3: null, t4: null });
    expect(moves(p)).toEqual(["t1:scheduled"]);
    expect(p.runState).toBe("running");
  });

  it("makes both parallel tasks ready once their upstream succeeded", () => {
    expect(moves(decide({ t1: "success", t2: null, t3: null, t4: null }))).toEqual(["t2:scheduled", "t3:scheduled"]);
  });

  it("waits for every upstream task of the join", () => {
    expect(moves(decide({ t1: "success", t2: "success", t3: "running", t4: null }))).toEqual([]);
  });

  it("cascades upstream_failed through the DAG in one pass and fails the run", () => {
    const p = decide({ t1: "failed", t2: null, t3: null, t4: null });
    expect(moves(p)).toEqual(["t2:upstream_failed", "t3:upstream_failed", "t4:upstream_failed"]);
    expect(p.runState).toBe("failed");
  });

  it("runs an all_done task after a failure; the run's state follows the leaves", () => {
    const p = decide({ t1: "success", t2: "failed", t3: "success", t4: null }, { t4: "all_done" });
    expect(moves(p)).toEqual(["t4:scheduled"]);
    const done = decide({ t1: "success", t2: "failed", t3: "success", t4: "success" }, { t4: "all_done" });
    expect(done.runState).toBe("success");
  });

  it("reschedules up_for_retry only when the retry is due", () => {
    const later = { state: "up_for_retry" as const, nextRetryAt: new Date(now.getTime() + 1_000) };
    const due = { state: "up_for_retry" as const, nextRetryAt: new Date(now.getTime() - 1) };
    expect(moves(decide({ t1: later, t2: null, t3: null, t4: null }))).toEqual([]);
    expect(moves(decide({ t1: due, t2: null, t3: null, t4: null }))).toEqual(["t1:scheduled"]);
  });

  it("succeeds when everything is done and no leaf failed", () => {
    expect(decide({ t1: "success", t2: "success", t3: "skipped", t4: "success" }).runState).toBe("success");
  });

  it("skips the branch not followed, cascades the skip, and runs the join", () => {
    const g = buildDagGraph("b", [
      { taskId: "pick", upstream: [] },
      { taskId: "left", upstream: ["pick"] },
      { taskId: "right", upstream: ["pick"] },
      { taskId: "right_more", upstream: ["right"] },
      { taskId: "join", upstream: ["left", "right_more"] },
    ]);
    const p = decide(
      { pick: "success", left: null, right: null, right_more: null, join: null },
      { join: "none_failed_min_one_success" },
      { pick: ["left"] },
      g,
    );
    expect(moves(p)).toEqual(["left:scheduled", "right:skipped", "right_more:skipped"]);
    const after = decide(
      { pick: "success", left: "success", right: "skipped", right_more: "skipped", join: null },
      { join: "none_failed_min_one_success" },
      { pick: ["left"] },
      g,
    );
    expect(moves(after)).toEqual(["join:scheduled"]);
  });

  it("does not skip a join that is directly downstream of the branch and of a followed task", () => {
    const g = buildDagGraph("b", [
      { taskId: "pick", upstream: [] },
      { taskId: "left", upstream: ["pick"] },
      { taskId: "join", upstream: ["pick", "left"] },
    ]);
    const p = decide({ pick: "success", left: null, join: null }, {}, { pick: ["left"] }, g);
    expect(moves(p)).toEqual(["left:scheduled"]);
  });

  it("fails a deadlocked run, as Airflow: nothing runs and a rule waits on a removed upstream", () => {
    const p = decide({ t1: "success", t2: "success", t3: "removed", t4: null });
    expect(moves(p)).toEqual([]);
    expect(p.runState).toBe("failed");
    expect(p.deadlocked).toBe(true);
  });

  it("does not call a run deadlocked while a task instance is still active", () => {
    const p = decide({ t1: "success", t2: "running", t3: "removed", t4: null });
    expect(p.runState).toBe("running");
  });

  it("does not call a run deadlocked while a task waits on another run (depends on past)", () => {
    const instances = new Map<string, TaskInstanceSnapshot>([
      ["t1", { state: null }], ["t2", { state: null }], ["t3", { state: null }], ["t4", { state: null }],
    ]);
    const heldByOtherRuns = new Map([["t1", "depends on past"]]);
    const p = decideRunProgress({ graph, triggerRules: new Map(), instances, branchFollowed: new Map(), now, heldByOtherRuns });
    expect(p.transitions).toEqual([]);
    expect(p.runState).toBe("running");
  });
});
