// "Why waiting" for a task instance with no state yet speaks the scheduler's own progress decision
// (issue 10, item 13): for random DAGs (random edges and trigger rules), random task instance
// states and random branch choices, the words promise a pass exactly when decideRunProgress makes
// a change for that task instance on it, and "waiting for upstream" names only unfinished tasks.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildDagGraph, decideRunProgress, TRIGGER_RULES, type SerializedTask, type TaskInstanceState, type TriggerRule } from "@updraft/core";
import { explainWaiting, type WaitingFacts } from "../src/index.ts";
import { propertyParams } from "./support/property-params.ts";

const STATES: Array<TaskInstanceState | null> = [null, null, null, "scheduled", "queued", "running", "success", "success", "failed", "upstream_failed", "skipped", "up_for_retry", "removed"];
const FINISHED = new Set(["success", "failed", "upstream_failed", "skipped", "removed"]);

const runArb = fc
  .record({
    n: fc.integer({ min: 1, max: 7 }),
    edges: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 14 }),
    rules: fc.array(fc.constantFrom(...TRIGGER_RULES), { minLength: 7, maxLength: 7 }),
    states: fc.array(fc.constantFrom(...STATES), { minLength: 7, maxLength: 7 }),
    branch: fc.option(fc.record({ task: fc.nat(), follow: fc.array(fc.nat(), { maxLength: 3 }) })),
  })
  .map(({ n, edges, rules, states, branch }) => {
    const ids = Array.from({ length: n }, (_, i) => `t${i}`);
    const upstream = new Map(ids.map((id) => [id, new Set<string>()]));
    for (const [a, b] of edges) {
      const [from, to] = [a % n, b % n];
      if (from < to) upstream.get(ids[to]!)!.add(ids[from]!); // i < j keeps it acyclic
    }
    const tasks = ids.map((id, i) => ({ taskId: id, upstream: [...upstream.get(id)!], triggerRule: rules[i]! }));
    const instances = new Map(ids.map((id, i) => [id, { state: states[i]! }]));
    const branchFollowed = new Map<string, string[]>();
    if (branch) {
      const b = ids[branch.task % n]!;
      if (instances.get(b)!.state === "success") branchFollowed.set(b, branch.follow.map((f) => ids[f % n]!));
    }
    return { tasks, instances, branchFollowed };
  });

describe("why waiting for a task instance with no state yet is the progress decision (property)", () => {
  it("promises a pass exactly when the scheduler's decision changes the task instance", () => {
    fc.assert(
      fc.property(runArb, ({ tasks, instances, branchFollowed }) => {
        const graph = buildDagGraph("d", tasks as unknown as SerializedTask[]);
        const triggerRules = new Map<string, TriggerRule>(tasks.map((t) => [t.taskId, t.triggerRule]));
        const now = new Date(0);
        const progress = decideRunProgress({ graph, triggerRules, instances, branchFollowed, now });
        for (const task of tasks) {
          if (instances.get(task.taskId)!.state !== null) continue;
          const transition = progress.transitions.find((t) => t.taskId === task.taskId) ?? null;
          const upstream = task.upstream.map((id) => ({ taskId: id, state: instances.get(id)!.state }));
          const facts: WaitingFacts = {
            dagId: "d", runId: "r", taskId: task.taskId, state: null, nextRetryAt: null, queue: "default", pool: "default_pool", poolSlots: 1,
            priorityWeight: 1, triggerRule: task.triggerRule, upstream, runState: "running", dagIsPaused: false, runningRuns: 1, maxActiveRuns: 16,
            progress: transition, now,
          };
          const words = explainWaiting(facts).map((e) => e.message).join(" | ");
          const context = `${task.taskId} ${task.triggerRule} ${JSON.stringify(upstream)} -> ${transition?.to ?? "none"}: ${words}`;
          expect(words.includes("next pass"), context).toBe(transition !== null);
          expect(words.includes("schedules it on its next pass"), context).toBe(transition?.to === "scheduled");
          const waitingFor = /waiting for upstream task\(s\) (.*) \(trigger rule/.exec(words);
          if (waitingFor) {
            for (const u of upstream) if (waitingFor[1]!.includes(`${u.taskId} (`)) expect(FINISHED.has(u.state as string), context).toBe(false);
          }
        }
      }),
      propertyParams(3_000),
    );
  });

  it("a task a branch did not follow is not promised a schedule (the trigger rule alone would)", () => {
    const tasks = [
      { taskId: "choose", upstream: [], triggerRule: "all_success" as const },
      { taskId: "left", upstream: ["choose"], triggerRule: "all_success" as const },
      { taskId: "right", upstream: ["choose"], triggerRule: "all_success" as const },
    ];
    const instances = new Map<string, { state: TaskInstanceState | null }>([["choose", { state: "success" }], ["left", { state: null }], ["right", { state: null }]]);
    const progress = decideRunProgress({
      graph: buildDagGraph("d", tasks as unknown as SerializedTask[]),
      triggerRules: new Map(tasks.map((t) => [t.taskId, t.triggerRule])),
      instances,
      branchFollowed: new Map([["choose", ["left"]]]),
      now: new Date(0),
    });
    const right = progress.transitions.find((t) => t.taskId === "right")!;
    const words = explainWaiting({
      dagId: "d", runId: "r", taskId: "right", state: null, nextRetryAt: null, queue: "default", pool: "default_pool", poolSlots: 1, priorityWeight: 1,
      triggerRule: "all_success", upstream: [{ taskId: "choose", state: "success" }], runState: "running", dagIsPaused: false, runningRuns: 1,
      maxActiveRuns: 16, progress: right, now: new Date(0),
    }).map((e) => e.message).join(" | ");
    expect(words).toBe("the scheduler sets it skipped on its next pass: branch `choose` followed `left`");
  });
});
