// The progress pass skips reading a running run when runMayProgress says the decisions cannot
// change it (issue 10, item 1: a wide run on PGlite was re-read in full on every pass). The skip
// must never hide a change: for random DAGs (random edges and trigger rules), random task
// instance states, branch choices, held tasks and retry times, whenever runMayProgress is false,
// decideRunProgress makes no transition and leaves the run running, and decideDagrunTimeout
// does nothing.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildDagGraph, decideRunProgress, FINISHED_TASK_STATES, TRIGGER_RULES, type SerializedTask, type TaskInstanceState, type TriggerRule } from "@updraft/core";
import { decideDagrunTimeout, runMayProgress } from "../src/index.ts";
import { propertyParams } from "./support/property-params.ts";

const STATES: Array<TaskInstanceState | null> = [null, "scheduled", "queued", "running", "running", "success", "success", "failed", "upstream_failed", "skipped", "up_for_retry", "removed"];

const runArb = fc
  .record({
    n: fc.integer({ min: 1, max: 7 }),
    edges: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 14 }),
    rules: fc.array(fc.constantFrom(...TRIGGER_RULES), { minLength: 7, maxLength: 7 }),
    states: fc.array(fc.constantFrom(...STATES), { minLength: 7, maxLength: 7 }),
    retryInMs: fc.array(fc.integer({ min: -5_000, max: 5_000 }), { minLength: 7, maxLength: 7 }),
    branch: fc.option(fc.record({ task: fc.nat(), follow: fc.array(fc.nat(), { maxLength: 3 }) })),
    held: fc.array(fc.nat(), { maxLength: 2 }),
    startedMsAgo: fc.integer({ min: 0, max: 10_000 }),
    timeoutMs: fc.option(fc.integer({ min: 1, max: 10_000 })),
  })
  .map(({ n, edges, rules, states, retryInMs, branch, held, startedMsAgo, timeoutMs }) => {
    const ids = Array.from({ length: n }, (_, i) => `t${i}`);
    const upstream = new Map(ids.map((id) => [id, new Set<string>()]));
    for (const [a, b] of edges) {
      const [from, to] = [a % n, b % n];
      if (from < to) upstream.get(ids[to]!)!.add(ids[from]!); // i < j keeps it acyclic
    }
    const now = new Date(1_000_000);
    const tasks = ids.map((id, i) => ({ taskId: id, upstream: [...upstream.get(id)!], triggerRule: rules[i]! }));
    const instances = new Map(ids.map((id, i) => [id, { state: states[i]!, nextRetryAt: new Date(now.getTime() + retryInMs[i]!) }]));
    const branchFollowed = new Map<string, string[]>();
    if (branch) {
      const b = ids[branch.task % n]!;
      if (instances.get(b)!.state === "success") branchFollowed.set(b, branch.follow.map((f) => ids[f % n]!));
    }
    const heldByOtherRuns = new Map(held.map((h) => [ids[h % n]!, "held by the previous run"]));
    return { tasks, instances, branchFollowed, heldByOtherRuns, now, startDate: new Date(now.getTime() - startedMsAgo), timeoutMs };
  });

describe("runMayProgress (property)", () => {
  it("is true whenever the progress or timeout decision would change the run", () => {
    fc.assert(
      fc.property(runArb, ({ tasks, instances, branchFollowed, heldByOtherRuns, now, startDate, timeoutMs }) => {
        const states = [...instances.values()].map((i) => i.state);
        const timeoutDue = decideDagrunTimeout({ startDate, timeoutMs, now, instances: new Map() }) !== null;
        const facts = {
          movable: states.some((s) => s === null || s === "up_for_retry"),
          unfinished: states.some((s) => s === null || !FINISHED_TASK_STATES.has(s)),
          timeoutDue,
        };
        if (runMayProgress(facts)) return;
        const graph = buildDagGraph("d", tasks as unknown as SerializedTask[]);
        const triggerRules = new Map<string, TriggerRule>(tasks.map((t) => [t.taskId, t.triggerRule]));
        const progress = decideRunProgress({ graph, triggerRules, instances, branchFollowed, now, heldByOtherRuns });
        const context = JSON.stringify({ tasks, states, facts });
        expect(progress.transitions, context).toEqual([]);
        expect(progress.runState, context).toBe("running");
        expect(decideDagrunTimeout({ startDate, timeoutMs, now, instances }), context).toBeNull();
      }),
      propertyParams(3_000),
    );
  });

  it("reads a run with a task instance to move, a run with nothing unfinished, and a timed-out run", () => {
    expect(runMayProgress({ movable: false, unfinished: true, timeoutDue: false })).toBe(false);
    expect(runMayProgress({ movable: true, unfinished: true, timeoutDue: false })).toBe(true);
    expect(runMayProgress({ movable: false, unfinished: false, timeoutDue: false })).toBe(true);
    expect(runMayProgress({ movable: false, unfinished: true, timeoutDue: true })).toBe(true);
  });
});
