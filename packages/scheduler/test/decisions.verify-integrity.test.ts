import { describe, expect, it } from "vitest";
import type { TaskInstanceState } from "@updraft/core";
import { explainWaiting, isIntact, verifyRunIntegrity, type WaitingFacts } from "../src/index.ts";

const tis = (entries: Record<string, TaskInstanceState | null>) => new Map(Object.entries(entries));

describe("verifyRunIntegrity (Airflow's verify_integrity)", () => {
  it("leaves a run that matches its DAG alone", () => {
    expect(isIntact(verifyRunIntegrity(["a", "b"], tis({ a: "success", b: null })))).toBe(true);
  });
  it("creates task instances for tasks the DAG gained", () => {
    expect(verifyRunIntegrity(["a", "b", "c"], tis({ a: "running" }))).toEqual({ create: ["b", "c"], remove: [], restore: [] });
  });
  it.each([null, "scheduled", "queued", "running", "up_for_retry"] as const)("marks an unfinished (%s) task instance of a task the DAG lost removed", (state) => {
    expect(verifyRunIntegrity(["a"], tis({ a: "success", gone: state }))).toEqual({ create: [], remove: ["gone"], restore: [] });
  });
  it.each(["success", "failed", "upstream_failed", "skipped", "removed"] as const)("keeps a finished (%s) task instance of a task the DAG lost as it is", (state) => {
    expect(isIntact(verifyRunIntegrity(["a"], tis({ a: "success", gone: state })))).toBe(true);
  });
  it("restores a removed task instance whose task is back", () => {
    expect(verifyRunIntegrity(["a", "back"], tis({ a: "success", back: "removed" }))).toEqual({ create: [], remove: [], restore: ["back"] });
  });
});

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
  now: new Date("2026-01-01T00:00:00Z"),
  ...over,
});
const text = (f: WaitingFacts) => explainWaiting(f).map((e) => e.message).join(" | ");

describe("why waiting never promises a pass that will not come (issue 10, item 12)", () => {
  it("a rule that ended upstream can no longer meet is not 'settled on its next pass'", () => {
    const message = text(facts({ upstream: [{ taskId: "a", state: "success" }, { taskId: "b", state: "removed" }] }));
    expect(message).not.toContain("next pass");
    expect(message).toContain("can no longer be met");
  });
  it("a queued run of a DAG no file defines does not blame max active runs", () => {
    const message = text(facts({ runState: "queued", dagIsActive: false, runningRuns: 0 }));
    expect(message).toContain('no file defines DAG "d" now');
    expect(message).not.toContain("max active runs");
  });
  it("a running run of a DAG no file defines says it goes on with the last parsed definition", () => {
    expect(text(facts({ dagIsActive: false, upstream: [{ taskId: "a", state: "running" }] }))).toContain("last parsed definition");
  });
  it("a removed task instance is not offered a clear", () => {
    expect(text(facts({ state: "removed" }))).not.toContain("clear it");
  });
});

describe("a queued run of a paused DAG", () => {
  it("is not blamed on max active runs when that limit has room", () => {
    const message = text(facts({ runState: "queued", dagIsPaused: true, runningRuns: 0, maxActiveRuns: 16 }));
    expect(message).toContain("is paused");
    expect(message).not.toContain("max active runs");
  });
});
