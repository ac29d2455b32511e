// maxActiveTisPerDag inside the claim (selection, rooms, verdict) and dependsOnPast in progress
// and "why waiting": the same decision code decides and explains.
import { decideRunProgress, buildDagGraph } from "@updraft/core";
import { describe, expect, it } from "vitest";
import {
  claimRooms,
  claimVerdict,
  decideDependsOnPast,
  describeBlockReason,
  explainWaiting,
  selectTaskInstancesToQueue,
  taskKey,
  type Candidate,
  type ConcurrencySnapshot,
  type WaitingFacts,
} from "../src/index.ts";
import { roomySnapshot } from "./support/concurrency-snapshot.ts";

const c = (runId: string, taskId: string, priorityWeight = 1): Candidate => ({ dagId: "d", runId, taskId, pool: "default_pool", poolSlots: 1, priorityWeight });

const snapshot = (over: Partial<ConcurrencySnapshot> = {}): ConcurrencySnapshot =>
  roomySnapshot({ maxActiveTisPerDag: (_dagId, taskId) => (taskId === "limited" ? 2 : null), ...over });

describe("maxActiveTisPerDag in the selection", () => {
  it("takes at most the task's limit over all runs in one pass, and keeps taking other tasks", () => {
    const candidates = ["r1", "r2", "r3", "r4"].flatMap((r) => [c(r, "limited", 5), c(r, "free")]);
    const s = selectTaskInstancesToQueue(candidates, snapshot());
    expect(s.selected.filter((x) => x.taskId === "limited").map((x) => x.runId)).toEqual(["r1", "r2"]);
    expect(s.selected.filter((x) => x.taskId === "free")).toHaveLength(4);
    expect(s.blocked.map((b) => [b.candidate.runId, b.reason.limit])).toEqual([
      ["r3", "max_active_tis_per_dag"],
      ["r4", "max_active_tis_per_dag"],
    ]);
  });
  it("counts instances already queued or running", () => {
    const s = selectTaskInstancesToQueue([c("r1", "limited"), c("r2", "limited")], snapshot({ activePerTask: new Map([[taskKey("d", "limited"), 1]]) }));
    expect(s.selected.map((x) => x.runId)).toEqual(["r1"]);
  });
  it("a task without the limit is never held by it", () => {
    const s = selectTaskInstancesToQueue([c("r1", "free"), c("r2", "free"), c("r3", "free")], snapshot({ maxActiveTisPerDag: () => null }));
    expect(s.selected).toHaveLength(3);
  });
  it("says so in words", () => {
    const text = describeBlockReason({ limit: "max_active_tis_per_dag", dagId: "d", taskId: "limited", max: 2, active: 2 });
    expect(text).toContain('task "limited"');
    expect(text).toContain("maxActiveTisPerDag is 2");
  });
});

describe("maxActiveTisPerDag in the rooms and the verdict", () => {
  const full = snapshot({ activePerTask: new Map([[taskKey("d", "limited"), 2]]) });
  const rooms = claimRooms({ ...full, dags: [{ dagId: "d", isPaused: false }], limitedTasks: [{ dagId: "d", taskId: "limited" }] });
  it("marks a task at its limit full, so the claim reads none of its instances", () => {
    expect([...rooms.taskFull.keys()]).toEqual([taskKey("d", "limited")]);
    const free = claimRooms({ ...snapshot(), dags: [{ dagId: "d", isPaused: false }], limitedTasks: [{ dagId: "d", taskId: "limited" }] });
    expect(free.taskFull.size).toBe(0);
  });
  it("the verdict for its instance names the limit, and explainWaiting says it", () => {
    const v = claimVerdict({ ...c("r9", "limited"), runIsRunning: true, dagIsPaused: false }, rooms, { selected: [], blocked: [] }, full);
    expect(v).toEqual({ kind: "blocked", reason: { limit: "max_active_tis_per_dag", dagId: "d", taskId: "limited", max: 2, active: 2 } });
    const text = explainWaiting(facts({ state: "scheduled", claim: v })).map((e) => e.message).join(" | ");
    expect(text).toMatch(/ready, but task "limited" already has 2 instance\(s\).*maxActiveTisPerDag is 2/);
  });
  it("an instance the selection refused for the task limit is explained with that limit", () => {
    const candidates = [c("r1", "limited"), c("r2", "limited"), c("r3", "limited")];
    const snap = snapshot();
    const r = claimRooms({ ...snap, dags: [{ dagId: "d", isPaused: false }], limitedTasks: [{ dagId: "d", taskId: "limited" }] });
    const v = claimVerdict({ ...c("r3", "limited"), runIsRunning: true, dagIsPaused: false }, r, selectTaskInstancesToQueue(candidates, snap), snap);
    expect(v).toMatchObject({ kind: "blocked", reason: { limit: "max_active_tis_per_dag", active: 2 } });
  });
});

const now = new Date("2026-01-01T00:00:00Z");
const facts = (over: Partial<WaitingFacts>): WaitingFacts => ({
  dagId: "d",
  runId: "r",
  taskId: "t",
  state: null,
  nextRetryAt: null,
  queue: "default",
  pool: "default_pool",
  poolSlots: 1,
  priorityWeight: 1,
  triggerRule: "all_success",
  upstream: [],
  runState: "running",
  dagIsPaused: false,
  runningRuns: 1,
  maxActiveRuns: 16,
  now,
  ...over,
});

describe("dependsOnPast: progress holds, and why-waiting names it with the same reason", () => {
  const graph = buildDagGraph("d", [{ taskId: "t", upstream: [] }, { taskId: "after", upstream: ["t"] }]);
  const held = decideDependsOnPast({ dependsOnPast: true, waitForDownstream: false, previous: { runId: "r0", taskState: "failed", downstreamStates: [] } })!;
  it("a held task instance stays without state, and the run is not called deadlocked", () => {
    const progress = decideRunProgress({
      graph,
      triggerRules: new Map(),
      instances: new Map(),
      branchFollowed: new Map(),
      now,
      heldByOtherRuns: new Map([["t", held]]),
    });
    expect(progress.transitions).toEqual([]);
    expect(progress.runState).toBe("running");
    expect(progress.deadlocked).toBeUndefined();
  });
  it("explains the wait naming dependsOnPast and the previous run", () => {
    const [e] = explainWaiting(facts({ heldByPast: held }));
    expect(e!.reason).toBe("depends_on_past");
    expect(e!.message).toContain("previous run r0 is failed");
    expect(e!.message).toContain("dependsOnPast");
  });
  it("an upstream wait comes first: the past is named only once the trigger rule is met", () => {
    const [e] = explainWaiting(facts({ heldByPast: held, upstream: [{ taskId: "a", state: "running" }] }));
    expect(e!.reason).toBe("upstream");
  });
});
