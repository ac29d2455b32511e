// "Why waiting" tells the truth (issue 10, item 13), as a property over random installations: random
// DAGs (paused or not, max active tasks), pools, runs (running or queued), task instances (state,
// pool, pool slots, priority) and limits (parallelism, executor slots). A pass is the claim's own
// pure pipeline: claimRooms -> candidateWindow (what the claim's SQL reads) ->
// selectTaskInstancesToQueue, and the explanation is claimVerdict + explainWaiting over the same
// plan. Then:
//  - a task instance the explanation calls ready is exactly one the pass claims;
//  - nothing it calls blocked (or paused, or in a run that is not running) is claimed, and the
//    reason it gives is true;
//  - passes repeated (claimed task instances run and finish by the next pass) claim every task
//    instance that any pass could ever claim, within as many passes as there are task instances:
//    no "behind" or transient block is a wait for ever.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  candidateWindow,
  claimRooms,
  claimVerdict,
  explainWaiting,
  selectTaskInstancesToQueue,
  type ClaimVerdict,
  type ConcurrencySnapshot,
  type WindowCandidate,
} from "../src/index.ts";
import { propertyParams } from "./support/property-params.ts";

interface Ti extends WindowCandidate {
  state: "scheduled" | "queued" | "running" | "success";
  runIsRunning: boolean;
}
interface World {
  parallelism: number;
  executorFreeSlots: number;
  dags: Array<{ dagId: string; isPaused: boolean; maxActiveTasks: number }>;
  pools: Map<string, number>;
  tis: Ti[];
}

const worldArb: fc.Arbitrary<World> = fc
  .record({
    parallelism: fc.integer({ min: 0, max: 8 }),
    executorFreeSlots: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.constant(Number.POSITIVE_INFINITY)),
    dags: fc.array(fc.record({ isPaused: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 4, arbitrary: fc.constant(false) }), maxActiveTasks: fc.integer({ min: 0, max: 5 }) }), { minLength: 1, maxLength: 4 }),
    pools: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 3 }),
    runs: fc.array(fc.record({ dag: fc.nat(), running: fc.boolean(), day: fc.integer({ min: 1, max: 9 }) }), { minLength: 1, maxLength: 5 }),
    tis: fc.array(
      fc.record({
        run: fc.nat(),
        state: fc.constantFrom("scheduled", "scheduled", "scheduled", "queued", "running", "success"),
        pool: fc.nat({ max: 3 }), // 3 names a pool that does not exist
        poolSlots: fc.integer({ min: 1, max: 4 }),
        priorityWeight: fc.integer({ min: 1, max: 3 }),
      }),
      { minLength: 1, maxLength: 24 },
    ),
  })
  .map(({ parallelism, executorFreeSlots, dags, pools, runs, tis }) => {
    const dagList = dags.map((d, i) => ({ dagId: `dag${i}`, isPaused: d.isPaused, maxActiveTasks: d.maxActiveTasks }));
    const runList = runs.map((r, i) => ({ dagId: dagList[r.dag % dagList.length]!.dagId, runId: `run${i}`, running: r.running, logicalDate: new Date(Date.UTC(2026, 0, r.day)) }));
    const poolNames = pools.map((_, i) => (i === 0 ? "default_pool" : `pool${i}`));
    return {
      parallelism,
      executorFreeSlots,
      dags: dagList,
      pools: new Map(pools.map((slots, i) => [poolNames[i]!, slots])),
      tis: tis.map((t, i): Ti => {
        const run = runList[t.run % runList.length]!;
        // A queued run has no task instance past "no state yet" in practice; keep its instances scheduled.
        const state = run.running ? t.state : "scheduled";
        return {
          dagId: run.dagId,
          runId: run.runId,
          taskId: `t${String(i).padStart(2, "0")}`,
          logicalDate: run.logicalDate,
          runIsRunning: run.running,
          state,
          pool: t.pool < poolNames.length ? poolNames[t.pool]! : "missing_pool",
          poolSlots: t.poolSlots,
          priorityWeight: t.priorityWeight,
        };
      }),
    };
  });

function snapshotOf(w: World): ConcurrencySnapshot {
  const active = w.tis.filter((t) => t.state === "queued" || t.state === "running");
  const perDag = new Map<string, number>();
  const occupied = new Map<string, number>();
  for (const t of active) {
    perDag.set(t.dagId, (perDag.get(t.dagId) ?? 0) + 1);
    occupied.set(t.pool, (occupied.get(t.pool) ?? 0) + t.poolSlots);
  }
  return {
    parallelism: w.parallelism,
    activeTotal: active.length,
    executorFreeSlots: w.executorFreeSlots,
    activePerDag: perDag,
    maxActiveTasks: (dagId) => w.dags.find((d) => d.dagId === dagId)!.maxActiveTasks,
    pools: new Map([...w.pools].map(([name, slots]) => [name, { slots, occupied: occupied.get(name) ?? 0 }])),
  };
}

/** One pass: the claim's selection, and for each scheduled task instance the verdict and the words. */
function pass(w: World) {
  const snapshot = snapshotOf(w);
  const rooms = claimRooms({ ...snapshot, dags: w.dags });
  const scheduled = w.tis.filter((t) => t.state === "scheduled" && t.runIsRunning && !w.dags.find((d) => d.dagId === t.dagId)!.isPaused);
  const selection = selectTaskInstancesToQueue(candidateWindow(rooms, scheduled), snapshot);
  const claimed = new Set(selection.selected.map((c) => c.taskId));
  const verdicts = new Map<string, { verdict: ClaimVerdict; words: string }>();
  for (const t of w.tis.filter((x) => x.state === "scheduled")) {
    const dagIsPaused = w.dags.find((d) => d.dagId === t.dagId)!.isPaused;
    const verdict = claimVerdict({ ...t, dagIsPaused }, rooms, selection, snapshot);
    const words = explainWaiting({
      dagId: t.dagId, runId: t.runId, taskId: t.taskId, state: "scheduled", nextRetryAt: null, queue: "default", pool: t.pool,
      poolSlots: t.poolSlots, priorityWeight: t.priorityWeight, triggerRule: "all_success", upstream: [],
      runState: t.runIsRunning ? "running" : "queued", dagIsPaused, runningRuns: 0, maxActiveRuns: 16, claim: verdict, now: new Date(0),
    }).map((e) => e.message).join(" | ");
    verdicts.set(t.taskId, { verdict, words });
  }
  return { snapshot, claimed, verdicts };
}

// Could some pass ever claim it, given the limits themselves (not their current use)?
function claimable(w: World, t: Ti): boolean {
  const dag = w.dags.find((d) => d.dagId === t.dagId)!;
  const slots = w.pools.get(t.pool);
  return t.runIsRunning && !dag.isPaused && dag.maxActiveTasks >= 1 && w.parallelism >= 1 && w.executorFreeSlots >= 1 && slots !== undefined && t.poolSlots <= slots;
}

describe("why waiting and the claim derive from one decision (property)", () => {
  it("ready is claimed, blocked is not, and every block reason is true", () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const { snapshot, claimed, verdicts } = pass(w);
        for (const [taskId, { verdict, words }] of verdicts) {
          const ti = w.tis.find((t) => t.taskId === taskId)!;
          expect(verdict.kind === "queued", `${taskId}: ${words}`).toBe(claimed.has(taskId));
          expect(words.includes("ready; every limit has room"), `${taskId}: ${words}`).toBe(claimed.has(taskId));
          if (verdict.kind !== "blocked") continue;
          const r = verdict.reason;
          const pool = snapshot.pools.get(ti.pool);
          switch (r.limit) {
            case "pool":
              expect(r.open, `${taskId}: ${words}`).toBeLessThan(r.needed);
              expect(r.needed).toBe(ti.poolSlots);
              expect(r.open).toBeLessThanOrEqual(Math.max(0, pool!.slots - pool!.occupied));
              break;
            case "pool_missing":
              expect(pool).toBeUndefined();
              break;
            case "max_active_tasks":
              expect(r.max).toBe(snapshot.maxActiveTasks(ti.dagId));
              expect((snapshot.activePerDag.get(ti.dagId) ?? 0) + [...claimed].filter((id) => w.tis.find((t) => t.taskId === id)!.dagId === ti.dagId).length).toBeGreaterThanOrEqual(r.max);
              break;
            case "parallelism":
              expect(snapshot.activeTotal + claimed.size, `${taskId}: ${words}`).toBeGreaterThanOrEqual(snapshot.parallelism);
              break;
            case "executor_slots":
              expect(claimed.size).toBeGreaterThanOrEqual(snapshot.executorFreeSlots);
              break;
            case "max_active_tis_per_dag":
              // The generated DAGs set no maxActiveTisPerDag: this limit must never be blamed here.
              expect.fail(`${taskId}: blamed on maxActiveTisPerDag, which no generated task sets: ${words}`);
          }
        }
      }),
      propertyParams(2_000),
    );
  });

  it("repeated passes claim every task instance that could ever be claimed, and nothing else", () => {
    fc.assert(
      fc.property(worldArb, (start) => {
        const w: World = { ...start, tis: start.tis.map((t) => ({ ...t })) };
        const ever = new Set<string>();
        for (let i = 0; i < w.tis.length; i++) {
          // Whatever was queued or running has finished by this pass; what it claims runs.
          for (const t of w.tis) if (t.state === "queued" || t.state === "running") t.state = "success";
          const { claimed } = pass(w);
          for (const t of w.tis) {
            if (!claimed.has(t.taskId)) continue;
            t.state = "running";
            ever.add(t.taskId);
          }
        }
        const expected = start.tis.filter((t) => t.state === "scheduled" && claimable(w, t)).map((t) => t.taskId);
        expect([...ever].sort()).toEqual(expected.sort());
      }),
      propertyParams(2_000),
    );
  });
});

describe("found by the property", () => {
  it("a task taking 2 pool slots is claimed while parallelism allows one more task instance (slots are not task instances)", () => {
    const w: World = {
      parallelism: 1,
      executorFreeSlots: 1,
      dags: [{ dagId: "dag0", isPaused: false, maxActiveTasks: 1 }],
      pools: new Map([["default_pool", 2]]),
      tis: [{ dagId: "dag0", runId: "run0", taskId: "t00", logicalDate: new Date(0), runIsRunning: true, state: "scheduled", pool: "default_pool", poolSlots: 2, priorityWeight: 1 }],
    };
    const { claimed, verdicts } = pass(w);
    expect([...claimed]).toEqual(["t00"]);
    expect(verdicts.get("t00")!.words).toContain("ready; every limit has room");
  });
  it("a full executor is not blamed on parallelism", () => {
    const w: World = {
      parallelism: 4,
      executorFreeSlots: 0,
      dags: [{ dagId: "dag0", isPaused: false, maxActiveTasks: 4 }],
      pools: new Map([["default_pool", 4]]),
      tis: [{ dagId: "dag0", runId: "run0", taskId: "t00", logicalDate: new Date(0), runIsRunning: true, state: "scheduled", pool: "default_pool", poolSlots: 1, priorityWeight: 1 }],
    };
    expect(pass(w).verdicts.get("t00")!.words).toContain("every executor slot is busy");
  });
});
