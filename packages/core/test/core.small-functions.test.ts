import { describe, expect, it } from "vitest";
import {
  buildDagGraph,
  downstreamClosure,
  formatDuration,
  hashSerializedDag,
  isUpdraftError,
  nextFireTime,
  nextRetryAt,
  parseDuration,
  previousFireTime,
  retryDelayMs,
  UpdraftError,
  validateSchedule,
  validateManualRunId,
  decideAfterTry,
  type SerializedDag,
} from "../src/index.ts";

describe("parseDuration", () => {
  it.each([
    [30, 30_000],
    [0.5, 500],
    ["500ms", 500],
    ["30s", 30_000],
    ["5m", 300_000],
    ["1h", 3_600_000],
    ["1.5d", 129_600_000],
  ] as const)("%s -> %d ms", (input, ms) => expect(parseDuration(input)).toBe(ms));

  it.each(["", "5 minutes", "-1s", "1w"])("refuses %j with UPDRAFT_INVALID_DURATION", (input) => {
    expect(() => parseDuration(input)).toThrowError(expect.objectContaining({ code: "UPDRAFT_INVALID_DURATION" }));
  });

  it("refuses negative and non-finite numbers", () => {
    expect(() => parseDuration(-1)).toThrow(UpdraftError);
    expect(() => parseDuration(Number.NaN)).toThrow(UpdraftError);
  });

  it("formats for humans", () => {
    expect(formatDuration(250)).toBe("250ms");
    expect(formatDuration(1_500)).toBe("1.5s");
    expect(formatDuration(90_000)).toBe("1.5m");
  });
});

describe("retry delays", () => {
  const policy = { retries: 5, retryDelayMs: 1_000, retryExponentialBackoff: false, maxRetryDelayMs: null };
  it("is fixed without backoff", () => {
    expect([1, 2, 3].map((t) => retryDelayMs(policy, t))).toEqual([1_000, 1_000, 1_000]);
  });
  it("doubles with backoff and stops at maxRetryDelay", () => {
    const backoff = { ...policy, retryExponentialBackoff: true, maxRetryDelayMs: 5_000 };
    expect([1, 2, 3, 4].map((t) => retryDelayMs(backoff, t))).toEqual([1_000, 2_000, 4_000, 5_000]);
  });
  it("never caps a fixed delay with maxRetryDelay (Airflow caps only exponential backoff)", () => {
    const fixed = { ...policy, retryDelayMs: 6_000, maxRetryDelayMs: 1_000 };
    expect([1, 2, 3].map((t) => retryDelayMs(fixed, t))).toEqual([6_000, 6_000, 6_000]);
  });
  it("dates the next try from the failure", () => {
    expect(nextRetryAt(policy, 1, new Date(0)).getTime()).toBe(1_000);
  });
});

describe("buildDagGraph", () => {
  it("orders upstream first, stable by definition", () => {
    const g = buildDagGraph("d", [
      { taskId: "c", upstream: ["a", "b"] },
      { taskId: "b", upstream: [] },
      { taskId: "a", upstream: [] },
    ]);
    expect(g.order).toEqual(["b", "a", "c"]);
    expect(g.downstream.get("a")).toEqual(["c"]);
    expect([...downstreamClosure(g, "b")]).toEqual(["c"]);
  });
  it("names the error", () => {
    try {
      buildDagGraph("d", [{ taskId: "a", upstream: ["ghost"] }]);
      expect.unreachable();
    } catch (error) {
      expect(isUpdraftError(error, "UPDRAFT_DAG_UNKNOWN_DEPENDENCY")).toBe(true);
      expect((error as UpdraftError).describe()).toMatch(/depends on "ghost".*Only depend on tasks/);
      expect((error as UpdraftError).httpStatus).toBe(400);
    }
  });
});

describe("schedules", () => {
  it("accepts presets and cron, refuses the rest", () => {
    expect(() => validateSchedule("d", "@daily")).not.toThrow();
    expect(() => validateSchedule("d", "@once")).not.toThrow();
    expect(() => validateSchedule("d", "*/5 * * * *")).not.toThrow();
    expect(() => validateSchedule("d", "@sometimes")).toThrow(/neither a preset/);
    expect(() => validateSchedule("d", "0 0 * *")).toThrow(/neither a preset/);
  });
  it("computes fire times in UTC", () => {
    expect(nextFireTime("@hourly", new Date("2026-03-01T10:15:00Z")).toISOString()).toBe("2026-03-01T11:00:00.000Z");
    expect(previousFireTime("@daily", new Date("2026-03-01T10:15:00Z")).toISOString()).toBe("2026-03-01T00:00:00.000Z");
  });
});

describe("hashSerializedDag", () => {
  it("ignores key order", () => {
    const base = { dagId: "d", fileloc: "d.ts", description: null, schedule: null, startDate: null, catchup: false, maxActiveRuns: null, maxActiveTasks: null, tags: [], params: { a: 1, b: 2 }, tasks: [] };
    const reordered = { ...base, params: { b: 2, a: 1 } };
    expect(hashSerializedDag(base)).toBe(hashSerializedDag(reordered));
    expect(hashSerializedDag(base)).not.toBe(hashSerializedDag({ ...base, catchup: true }));
  });
  it("keeps the hashes already stored: SHA-256 of the canonical JSON, undefined members left out", () => {
    // Values computed by the earlier implementation, which built the canonical JSON as one string:
    // a change here would make every DAG look modified after an upgrade.
    const task = (i: number) => ({ taskId: `t${i}`, kind: "task", upstream: i ? [`t${i - 1}`] : [], inputs: {}, bashCommand: null, retries: 0, retryDelayMs: 300000, retryExponentialBackoff: false, maxRetryDelayMs: null, executionTimeoutMs: null, queue: "default", pool: "default_pool", poolSlots: 1, priorityWeight: 1, triggerRule: "all_success", sensor: null, doc: null, extra: undefined });
    const dag = { dagId: "d", fileloc: "d.ts", description: 'é \u2028 "q"', schedule: "@daily", startDate: null, catchup: false, maxActiveRuns: null, maxActiveTasks: 3, tags: ["b", "a"], params: { z: [1, { y: null, x: "s" }], a: 1.5 }, paramSchemas: undefined, tasks: [task(0), task(1)] } as unknown as SerializedDag;
    expect(hashSerializedDag(dag)).toBe("c06a47222a47eaf34ee9d9e65d16bb0ee0c89ec77972cb4ebab2a7e84dab7b1c");
    // Large enough that the JSON reaches the hash in many pieces.
    expect(hashSerializedDag({ ...dag, tasks: Array.from({ length: 10_000 }, (_, i) => task(i)) } as unknown as SerializedDag)).toBe("19f23a10eeb703501b2957c71bbde46fd6e56d6ff5ff1ff9db153967057d1625");
  });
});

describe("validateManualRunId", () => {
  it("accepts Airflow's allowed characters up to 250 characters", () => {
    for (const id of ["manual__2026-01-01T00:00:00.000Z", "a.b~c:d+e-f_g", "x".repeat(250)]) expect(() => validateManualRunId(id)).not.toThrow();
  });
  it("refuses reserved prefixes, other characters, empty and long ids, naming the rule", () => {
    expect(() => validateManualRunId("scheduled__2026")).toThrow(/reserved for scheduled runs/);
    expect(() => validateManualRunId("backfill__x")).toThrow(/reserved/);
    expect(() => validateManualRunId("a b")).toThrow(/must match/);
    expect(() => validateManualRunId("")).toThrow(/empty/);
    expect(() => validateManualRunId("x".repeat(251))).toThrow(/more than 250/);
  });
});

describe("decideAfterTry", () => {
  const policy = { retries: 2, retryDelayMs: 1_000, retryExponentialBackoff: false, maxRetryDelayMs: null };
  it("retries a failed try while tries remain", () => {
    expect(decideAfterTry("failed", 1, 3, policy, new Date(0))).toEqual({ state: "up_for_retry", nextRetryAt: new Date(1_000) });
  });
  it("fails at once when the failure is final (a sensor's timeout)", () => {
    expect(decideAfterTry("failed", 1, 3, policy, new Date(0), false)).toEqual({ state: "failed", nextRetryAt: null });
  });
});
