import { describe, expect, it } from "vitest";
import { claimRooms, claimVerdict, explainWaiting, type ConcurrencySnapshot, type WaitingFacts } from "../src/index.ts";

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

const snapshot: ConcurrencySnapshot = {
  parallelism: 32,
  activeTotal: 0,
  executorFreeSlots: Infinity,
  activePerDag: new Map(),
  maxActiveTasks: () => 16,
  pools: new Map([["default_pool", { slots: 128, occupied: 0 }], ["one", { slots: 1, occupied: 1 }]]),
};

// The claim's verdict for a scheduled task instance that no candidate read took (empty selection).
const verdict = (pool: string, snap: ConcurrencySnapshot) =>
  claimVerdict(
    { dagId: "d", runId: "r", taskId: "t", pool, poolSlots: 1, priorityWeight: 1, runIsRunning: true, dagIsPaused: false },
    claimRooms({ ...snap, dags: [{ dagId: "d", isPaused: false }] }),
    { selected: [], blocked: [] },
    snap,
  );

const messages = (f: WaitingFacts) => explainWaiting(f).map((e) => e.message).join(" | ");

describe("explainWaiting", () => {
  it("names the upstream tasks it waits for", () => {
    expect(messages(facts({ upstream: [{ taskId: "a", state: "running" }, { taskId: "b", state: "success" }] }))).toBe(
      "waiting for upstream task(s) a (running) (trigger rule all_success)",
    );
  });
  it("names the full pool", () => {
    expect(messages(facts({ state: "scheduled", pool: "one", claim: verdict("one", snapshot) }))).toContain('pool "one" has 0 open slot(s)');
  });
  it("names the parallelism limit", () => {
    expect(messages(facts({ state: "scheduled", claim: verdict("default_pool", { ...snapshot, parallelism: 1, activeTotal: 1 }) }))).toContain("UPDRAFT_PARALLELISM");
  });
  it("gives the retry time", () => {
    expect(messages(facts({ state: "up_for_retry", nextRetryAt: new Date(now.getTime() + 60_000) }))).toContain("2026-01-01T00:01:00.000Z");
  });
  it("explains a paused DAG and a queued run", () => {
    const text = messages(facts({ dagIsPaused: true, runState: "queued", runningRuns: 1, maxActiveRuns: 1 }));
    expect(text).toContain("is paused");
    expect(text).toContain("1 of at most 1 runs");
  });
  it("says where a queued task waits", () => {
    expect(messages(facts({ state: "queued", queue: "gpu" }))).toContain('worker listening on queue "gpu"');
  });
});
