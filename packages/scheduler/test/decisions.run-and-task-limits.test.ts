// Airflow's run and task limits as pure decisions: depends_on_past, wait_for_downstream,
// dagrun_timeout, max_active_tis_per_dag and LatestOnlyOperator.
import type { TaskInstanceState } from "@updraft/core";
import { describe, expect, it } from "vitest";
import { decideDagrunTimeout, decideDependsOnPast, decideTaskConcurrency, isLatestRun, type PreviousRunView } from "../src/index.ts";

const prev = (taskState: PreviousRunView["taskState"], downstreamStates: Array<TaskInstanceState | null> = []): PreviousRunView => ({
  runId: "scheduled__1",
  taskState,
  downstreamStates,
});

describe("decideDependsOnPast", () => {
  it("never waits without dependsOnPast or waitForDownstream", () => {
    expect(decideDependsOnPast({ dependsOnPast: false, waitForDownstream: false, previous: prev("failed") })).toBeNull();
  });
  it("does not wait in the first run or for a task new since the previous run", () => {
    expect(decideDependsOnPast({ dependsOnPast: true, waitForDownstream: false, previous: null })).toBeNull();
    expect(decideDependsOnPast({ dependsOnPast: true, waitForDownstream: false, previous: prev(undefined) })).toBeNull();
  });
  it.each<[TaskInstanceState | null, boolean]>([
    ["success", false],
    ["skipped", false],
    ["failed", true],
    ["upstream_failed", true],
    ["running", true],
    ["queued", true],
    ["scheduled", true],
    ["up_for_retry", true],
    ["removed", true],
    [null, true],
  ])("previous instance %s -> waits: %s", (state, waits) => {
    const reason = decideDependsOnPast({ dependsOnPast: true, waitForDownstream: false, previous: prev(state) });
    expect(reason !== null).toBe(waits);
    if (waits) expect(reason).toMatch(/^depends on past: .*scheduled__1/);
  });
  it("with waitForDownstream also waits for the previous instance's direct downstream", () => {
    expect(decideDependsOnPast({ dependsOnPast: false, waitForDownstream: true, previous: prev("success", ["success", "running"]) })).toMatch(
      /^wait for downstream: 1 downstream/,
    );
    expect(decideDependsOnPast({ dependsOnPast: false, waitForDownstream: true, previous: prev("success", ["success", "skipped"]) })).toBeNull();
    expect(decideDependsOnPast({ dependsOnPast: false, waitForDownstream: true, previous: prev("failed", ["success"]) })).toMatch(/^depends on past/);
  });
});

describe("decideDagrunTimeout", () => {
  const start = new Date("2026-01-01T00:00:00Z");
  const states = new Map<string, TaskInstanceState | null>([
    ["done", "success"],
    ["gone", "removed"],
    ["run", "running"],
    ["q", "queued"],
    ["s", "scheduled"],
    ["r", "up_for_retry"],
    ["n", null],
    ["f", "failed"],
  ]);
  const instances = new Map([...states].map(([id, state]) => [id, { state }]));
  it("does nothing without a timeout, before the start, or within it", () => {
    expect(decideDagrunTimeout({ startDate: start, timeoutMs: null, now: new Date("2027-01-01"), instances })).toBeNull();
    expect(decideDagrunTimeout({ startDate: null, timeoutMs: 1, now: new Date("2027-01-01"), instances })).toBeNull();
    expect(decideDagrunTimeout({ startDate: start, timeoutMs: 60_000, now: new Date("2026-01-01T00:01:00Z"), instances })).toBeNull();
  });
  it("fails the run past it and skips every unfinished task instance, as Airflow", () => {
    const out = decideDagrunTimeout({ startDate: start, timeoutMs: 60_000, now: new Date("2026-01-01T00:01:00.001Z"), instances });
    expect(out).toMatchObject({ runState: "failed", reason: expect.stringContaining("dagrunTimeout of 60s") });
    expect(out!.skip.sort()).toEqual(["n", "q", "r", "run", "s"]);
  });
});

describe("decideTaskConcurrency", () => {
  it("allows below the limit and refuses at it, naming the limit", () => {
    expect(decideTaskConcurrency({ maxActiveTisPerDag: null, active: 100 })).toBeNull();
    expect(decideTaskConcurrency({ maxActiveTisPerDag: 2, active: 1 })).toBeNull();
    expect(decideTaskConcurrency({ maxActiveTisPerDag: 2, active: 2 })).toMatch(/maxActiveTisPerDag \(2\)/);
    expect(decideTaskConcurrency({ maxActiveTisPerDag: 1, active: 3 })).not.toBeNull();
  });
});

describe("isLatestRun", () => {
  const d = (s: string) => new Date(s);
  const daily = { externallyTriggered: false, dataIntervalEnd: d("2026-01-02T00:00:00Z"), nextDataIntervalEnd: d("2026-01-03T00:00:00Z") };
  it("proceeds for the latest interval", () => {
    expect(isLatestRun({ ...daily, now: d("2026-01-02T10:00:00Z") })).toBe(true);
    expect(isLatestRun({ ...daily, now: d("2026-01-03T00:00:00Z") })).toBe(true);
  });
  it("skips for an older interval (catchup, backfill)", () => {
    expect(isLatestRun({ ...daily, now: d("2026-01-05T00:00:00Z") })).toBe(false);
    expect(isLatestRun({ ...daily, now: d("2026-01-02T00:00:00Z") })).toBe(false);
  });
  it("always proceeds for externally triggered runs or without a next interval", () => {
    expect(isLatestRun({ ...daily, externallyTriggered: true, now: d("2030-01-01") })).toBe(true);
    expect(isLatestRun({ ...daily, nextDataIntervalEnd: null, now: d("2030-01-01") })).toBe(true);
  });
});
