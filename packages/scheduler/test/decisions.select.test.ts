import { describe, expect, it } from "vitest";
import { describeBlockReason, selectRunsToStart, selectTaskInstancesToQueue, type Candidate, type ConcurrencySnapshot } from "../src/index.ts";
import { roomySnapshot } from "./support/concurrency-snapshot.ts";

const c = (dagId: string, taskId: string, extra: Partial<Candidate> = {}): Candidate => ({
  dagId,
  runId: "r1",
  taskId,
  pool: "default_pool",
  poolSlots: 1,
  priorityWeight: 1,
  ...extra,
});

const snapshot = roomySnapshot;

const ids = (list: Candidate[]) => list.map((x) => x.taskId);

describe("selectTaskInstancesToQueue", () => {
  it("takes everything when every limit has room", () => {
    expect(ids(selectTaskInstancesToQueue([c("a", "t1"), c("a", "t2")], snapshot()).selected)).toEqual(["t1", "t2"]);
  });

  it("stops at parallelism, counting what already runs; parallelism 1 queues one at a time", () => {
    const s = selectTaskInstancesToQueue([c("a", "t1"), c("b", "t2")], snapshot({ parallelism: 1 }));
    expect(ids(s.selected)).toEqual(["t1"]);
    expect(s.blocked[0]!.reason).toEqual({ limit: "parallelism", max: 1 });
    expect(selectTaskInstancesToQueue([c("a", "t1")], snapshot({ parallelism: 1, activeTotal: 1 })).selected).toEqual([]);
  });

  it("orders by priority weight, keeping the given order among equals", () => {
    const s = selectTaskInstancesToQueue(
      [c("a", "low"), c("a", "high", { priorityWeight: 10 }), c("a", "low2")],
      snapshot({ parallelism: 2 }),
    );
    expect(ids(s.selected)).toEqual(["high", "low"]);
  });

  it("caps a DAG at its max active tasks without holding back another DAG", () => {
    const s = selectTaskInstancesToQueue([c("a", "a1"), c("a", "a2"), c("b", "b1")], snapshot({ maxActiveTasks: (d) => (d === "a" ? 1 : 16) }));
    expect(ids(s.selected)).toEqual(["a1", "b1"]);
    expect(s.blocked.map((b) => b.reason.limit)).toEqual(["max_active_tasks"]);
  });

  it("serialises tasks of a one-slot pool and honours poolSlots", () => {
    const pools = new Map([
      ["default_pool", { slots: 128, occupied: 0 }],
      ["single", { slots: 1, occupied: 0 }],
      ["pair", { slots: 2, occupied: 1 }],
    ]);
    const s = selectTaskInstancesToQueue(
      [c("a", "s1", { pool: "single" }), c("a", "s2", { pool: "single" }), c("a", "big", { pool: "pair", poolSlots: 2 }), c("a", "free")],
      snapshot({ pools }),
    );
    expect(ids(s.selected)).toEqual(["s1", "free"]);
    expect(describeBlockReason(s.blocked[1]!.reason)).toBe('pool "pair" has 1 open slot(s); the task needs 2');
  });

  it("refuses a task whose pool does not exist, saying how to fix it", () => {
    const s = selectTaskInstancesToQueue([c("a", "t", { pool: "gpu" })], snapshot());
    expect(describeBlockReason(s.blocked[0]!.reason)).toContain('pool "gpu" does not exist');
  });

  it("never takes more than the executor's free slots", () => {
    expect(ids(selectTaskInstancesToQueue([c("a", "t1"), c("a", "t2")], snapshot({ executorFreeSlots: 1 })).selected)).toEqual(["t1"]);
  });
});

describe("selectRunsToStart", () => {
  const run = (id: number, dagId: string, day: number) => ({ id, dagId, logicalDate: new Date(Date.UTC(2026, 0, day)) });

  it("starts the oldest runs up to each DAG's own max active runs", () => {
    const started = selectRunsToStart([run(3, "a", 3), run(1, "a", 1), run(2, "a", 2), run(4, "b", 1)], {
      runningPerDag: new Map([["a", 0]]),
      maxActiveRuns: () => 1,
      isPaused: () => false,
    });
    expect(started.map((r) => r.id)).toEqual([1, 4]);
  });

  it("counts running runs and skips paused DAGs", () => {
    const started = selectRunsToStart([run(1, "a", 1), run(2, "b", 1)], {
      runningPerDag: new Map([["a", 2]]),
      maxActiveRuns: () => 2,
      isPaused: (d) => d === "b",
    });
    expect(started).toEqual([]);
  });
});
