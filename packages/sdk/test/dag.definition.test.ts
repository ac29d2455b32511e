import { describe, expect, it } from "vitest";
import { isUpdraftError } from "@updraft/core";
import { bash, branch, chain, dag, isDag, sensor, task } from "../src/index.ts";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isUpdraftError(error) ? error.code : `not an UpdraftError: ${String(error)}`;
  }
  return undefined;
}

describe("dag()", () => {
  it("builds the contract's parallel_tasks DAG with Airflow's edges", () => {
    const d = dag({ dagId: "parallel_tasks", schedule: null, maxActiveRuns: 1, maxActiveTasks: 16 }, () => {
      const task1 = bash({ taskId: "task1", command: "echo start" });
      const task2 = bash({ taskId: "task2", command: "sleep 2" });
      const task3 = task({ taskId: "task3", retries: 2 }, async () => ({ rows: 3 }));
      const task4 = bash({ taskId: "task4", command: "echo done" });
      chain(task1, [task2, task3], task4);
    });
    expect(isDag(d)).toBe(true);
    const s = d.serialize("parallel.ts");
    expect(s.tasks.map((t) => [t.taskId, t.upstream])).toEqual([
      ["task1", []],
      ["task2", ["task1"]],
      ["task3", ["task1"]],
      ["task4", ["task2", "task3"]],
    ]);
    expect(s.maxActiveRuns).toBe(1);
    expect(s.tasks[2]).toMatchObject({ kind: "task", retries: 2, retryDelayMs: 300_000, queue: "default", pool: "default_pool" });
    expect(s.tasks[0]).toMatchObject({ kind: "bash", bashCommand: "echo start", triggerRule: "all_success" });
  });

  it("applies defaultArgs under each task's own options and parses durations", () => {
    const d = dag({ dagId: "defaults", defaultArgs: { retries: 3, retryDelay: "5s", queue: "q1" } }, () => {
      task({ taskId: "a" }, () => 1);
      task({ taskId: "b", retries: 0, executionTimeout: "1m", maxRetryDelay: 90 }, () => 2);
    });
    const [a, b] = d.serialize("d.ts").tasks;
    expect(a).toMatchObject({ retries: 3, retryDelayMs: 5_000, queue: "q1", executionTimeoutMs: null });
    expect(b).toMatchObject({ retries: 0, retryDelayMs: 5_000, executionTimeoutMs: 60_000, maxRetryDelayMs: 90_000 });
  });

  it("serializes Airflow's run and task limits, leaving defaults out", () => {
    const d = dag({ dagId: "limits", dagrunTimeout: "10m", defaultArgs: { dependsOnPast: true } }, () => {
      task({ taskId: "a" }, () => 1);
      task({ taskId: "b", dependsOnPast: false, waitForDownstream: true, maxActiveTisPerDag: 2 }, () => 2);
      task({ taskId: "c", dependsOnPast: false }, () => 3);
    });
    const s = d.serialize("d.ts");
    expect(s.dagrunTimeoutMs).toBe(600_000);
    const [a, b, c] = s.tasks;
    expect(a).toMatchObject({ dependsOnPast: true });
    expect(b).toMatchObject({ dependsOnPast: true, waitForDownstream: true, maxActiveTisPerDag: 2 });
    expect(c!.dependsOnPast).toBeUndefined();
    expect(() => dag({ dagId: "bad", dagrunTimeout: "soon" as never }, () => void task({ taskId: "x" }, () => 1))).toThrow(/dagrunTimeout/);
    expect(() => dag({ dagId: "bad2" }, () => void task({ taskId: "x", maxActiveTisPerDag: 0 }, () => 1))).toThrow(/maxActiveTisPerDag/);
  });

  it("records inputs as edges and as named XCom sources", () => {
    const d = dag({ dagId: "xcom" }, () => {
      const extract = task({ taskId: "extract" }, () => ({ rows: 3 }));
      task({ taskId: "load", inputs: { data: extract } }, (_ctx, { data }) => data.rows);
    });
    const load = d.task("load").spec;
    expect(load.upstream).toEqual(["extract"]);
    expect(load.inputs).toEqual({ data: "extract" });
  });

  it("pairs adjacent lists in chain() like Airflow and refuses unequal ones", () => {
    const d = dag({ dagId: "pairs" }, () => {
      const [a, b, c, e] = ["a", "b", "c", "e"].map((id) => task({ taskId: id }, () => id));
      chain([a!, b!], [c!, e!]);
    });
    expect(d.task("c").spec.upstream).toEqual(["a"]);
    expect(d.task("e").spec.upstream).toEqual(["b"]);
    expect(
      codeOf(() =>
        dag({ dagId: "unequal" }, () => {
          const ts = ["a", "b", "c"].map((id) => task({ taskId: id }, () => id));
          chain([ts[0]!, ts[1]!], [ts[2]!]);
        }),
      ),
    ).toBe("UPDRAFT_DAG_INVALID");
  });

  it("stores sensor and schedule options", () => {
    const d = dag({ dagId: "sensing", schedule: "@daily", startDate: "2026-01-01", catchup: true, tags: ["t"] }, () => {
      sensor({ taskId: "wait", pokeInterval: "2s", timeout: "1m", softFail: true }, () => true);
    });
    const s = d.serialize("s.ts");
    expect(s).toMatchObject({ schedule: "@daily", startDate: "2026-01-01T00:00:00.000Z", catchup: true, tags: ["t"] });
    expect(s.tasks[0]!.sensor).toEqual({ pokeIntervalMs: 2_000, timeoutMs: 60_000, softFail: true });
  });

  it("hashes the same definition the same way", async () => {
    const { hashSerializedDag } = await import("@updraft/core");
    const make = () => dag({ dagId: "h" }, () => void task({ taskId: "a" }, () => 1)).serialize("h.ts");
    expect(hashSerializedDag(make())).toBe(hashSerializedDag(make()));
  });
});

describe("dag() refuses broken definitions with a typed error", () => {
  it.each([
    [
      "a cycle",
      "UPDRAFT_DAG_CYCLE",
      () =>
        dag({ dagId: "cyclic" }, () => {
          const a = task({ taskId: "a" }, () => 1);
          const b = task({ taskId: "b" }, () => 2);
          chain(a, b);
          chain(b, a);
        }),
    ],
    [
      "a duplicate task id",
      "UPDRAFT_DAG_DUPLICATE_TASK_ID",
      () =>
        dag({ dagId: "dup" }, () => {
          task({ taskId: "a" }, () => 1);
          task({ taskId: "a" }, () => 2);
        }),
    ],
    [
      "a dependency on another DAG's task",
      "UPDRAFT_DAG_UNKNOWN_DEPENDENCY",
      () => {
        let foreign: ReturnType<typeof task> | undefined;
        dag({ dagId: "other" }, () => {
          foreign = task({ taskId: "x" }, () => 1);
        });
        return dag({ dagId: "mine" }, () => chain(foreign!, task({ taskId: "y" }, () => 2)));
      },
    ],
    ["a task outside a DAG", "UPDRAFT_TASK_OUTSIDE_DAG", () => task({ taskId: "lonely" }, () => 1)],
    ["a bad dag id", "UPDRAFT_DAG_INVALID", () => dag({ dagId: "has space" }, () => undefined)],
    ["a bad cron", "UPDRAFT_DAG_INVALID", () => dag({ dagId: "cron", schedule: "every day", startDate: "2026-01-01" }, () => undefined)],
    ["a schedule without startDate", "UPDRAFT_DAG_INVALID", () => dag({ dagId: "nostart", schedule: "@daily" }, () => undefined)],
    ["a negative retries", "UPDRAFT_DAG_INVALID", () => dag({ dagId: "r" }, () => void task({ taskId: "a", retries: -1 }, () => 1))],
    ["a bad duration", "UPDRAFT_INVALID_DURATION", () => dag({ dagId: "d" }, () => void task({ taskId: "a", retryDelay: "soon" as "1s" }, () => 1))],
    ["an async builder", "UPDRAFT_DAG_INVALID", () => dag({ dagId: "async" }, (async () => undefined) as () => void)],
    [
      "a nested dag",
      "UPDRAFT_DAG_INVALID",
      () => dag({ dagId: "outer" }, () => void dag({ dagId: "inner" }, () => undefined)),
    ],
  ])("%s", (_name, code, define) => {
    expect(codeOf(define)).toBe(code);
  });

  it("names the cycle in the message", () => {
    expect(() =>
      dag({ dagId: "cyclic" }, () => {
        const a = task({ taskId: "a" }, () => 1);
        const b = task({ taskId: "b" }, () => 2);
        const c = task({ taskId: "c" }, () => 3);
        chain(a, b, c, a);
      }),
    ).toThrow(/cycle: (a -> b -> c -> a|b -> c -> a -> b|c -> a -> b -> c)/);
  });

  it("leaves no builder active after a failure", () => {
    expect(() => dag({ dagId: "boom" }, () => { throw new Error("boom"); })).toThrow("boom");
    expect(codeOf(() => task({ taskId: "after" }, () => 1))).toBe("UPDRAFT_TASK_OUTSIDE_DAG");
  });

  it("keeps a branch's result typed as the followed ids", () => {
    const d = dag({ dagId: "br" }, () => {
      const pick = branch({ taskId: "pick" }, () => "left");
      chain(pick, [task({ taskId: "left" }, () => 1), task({ taskId: "right" }, () => 2)]);
    });
    expect(d.task("pick").spec.kind).toBe("branch");
  });
});
