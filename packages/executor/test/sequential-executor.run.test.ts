import { describe, expect, it } from "vitest";
import { bash, branch, chain, dag, sensor, skip, task } from "@updraft/sdk";
import { runDagSequentially, type Clock, type RunReporter } from "../src/index.ts";

function recorder() {
  const events: string[] = [];
  const logs: string[] = [];
  const reporter: RunReporter = {
    taskStarted: (id, n) => events.push(`start ${id}#${n}`),
    taskFinished: (id, n, outcome, next) => events.push(`end ${id}#${n} ${outcome.state}->${next}`),
    taskSettled: (id, state) => events.push(`settle ${id} ${state}`),
    log: (id, _n, line) => logs.push(`${id}: ${line.line}`),
  };
  return { events, logs, reporter };
}

/** A clock whose sleeps pass instantly but are recorded, so retry delays are checked without waiting. */
function fakeClock(): Clock & { slept: number[] } {
  let now = Date.parse("2026-01-01T00:00:00Z");
  const slept: number[] = [];
  return { slept, now: () => new Date(now), sleep: async (ms) => void (slept.push(ms), (now += ms)) };
}

describe("runDagSequentially", () => {
  it("runs parallel_tasks in dependency order, one at a time, and succeeds", async () => {
    const d = dag({ dagId: "parallel_tasks" }, () => {
      const t1 = bash({ taskId: "task1", command: "echo start" });
      const t2 = bash({ taskId: "task2", command: "echo two" });
      const t3 = task({ taskId: "task3" }, async () => ({ rows: 3 }));
      const t4 = bash({ taskId: "task4", command: "echo done" });
      chain(t1, [t2, t3], t4);
    });
    const { events, logs, reporter } = recorder();
    const result = await runDagSequentially({ dag: d, runId: "test", reporter });
    expect(result.state).toBe("success");
    expect(events.filter((e) => e.startsWith("start"))).toEqual(["start task1#1", "start task2#1", "start task3#1", "start task4#1"]);
    expect(result.taskInstances.get("task3")!.result).toEqual({ rows: 3 });
    expect(result.taskInstances.get("task4")!.result).toBe("done");
    expect(logs).toContain("task1: start");
  });

  it("retries a failing task with its delay, then fails the run; all_done cleanup still runs", async () => {
    const d = dag({ dagId: "fails" }, () => {
      const flaky = bash({ taskId: "flaky", command: "echo trying; exit 3", retries: 2, retryDelay: "2s" });
      chain(flaky, bash({ taskId: "cleanup", command: "echo cleanup", triggerRule: "all_done" }));
      chain(flaky, task({ taskId: "after", retries: 0 }, () => 1));
    });
    const clock = fakeClock();
    const { events, reporter } = recorder();
    const result = await runDagSequentially({ dag: d, runId: "test", reporter, clock });
    expect(result.state).toBe("failed");
    expect(events).toContain("end flaky#1 failed->up_for_retry");
    expect(events).toContain("end flaky#3 failed->failed");
    expect(clock.slept).toEqual([2_000, 2_000]);
    expect(result.taskInstances.get("flaky")).toMatchObject({ state: "failed", tries: 3 });
    expect(result.taskInstances.get("cleanup")!.state).toBe("success");
    expect(result.taskInstances.get("after")!.state).toBe("upstream_failed");
  });

  it("backs off exponentially up to maxRetryDelay", async () => {
    const d = dag({ dagId: "backoff" }, () => {
      task({ taskId: "t", retries: 3, retryDelay: 1, retryExponentialBackoff: true, maxRetryDelay: 3 }, () => {
        throw new Error("nope");
      });
    });
    const clock = fakeClock();
    await runDagSequentially({ dag: d, runId: "r", clock });
    expect(clock.slept).toEqual([1_000, 2_000, 3_000]);
  });

  it("waits the full fixed retryDelay even when maxRetryDelay is smaller (cap is for backoff only)", async () => {
    const d = dag({ dagId: "fixed_delay" }, () => {
      task({ taskId: "t", retries: 2, retryDelay: "6s", maxRetryDelay: "1s" }, () => {
        throw new Error("nope");
      });
    });
    const clock = fakeClock();
    await runDagSequentially({ dag: d, runId: "r", clock });
    expect(clock.slept).toEqual([6_000, 6_000]);
  });

  it("passes typed results between tasks and gives params merged with conf", async () => {
    const d = dag({ dagId: "xcom", params: { factor: 2, label: "x" } }, () => {
      const a = task({ taskId: "a" }, () => [1, 2, 3]);
      task({ taskId: "b", inputs: { nums: a } }, (ctx, { nums }) => ({
        sum: nums.reduce((s, n) => s + n, 0) * Number(ctx.params.factor),
        label: ctx.params.label,
      }));
    });
    const result = await runDagSequentially({ dag: d, runId: "r", conf: { factor: 10 } });
    expect(result.taskInstances.get("b")!.result).toEqual({ sum: 60, label: "x" });
  });

  it("follows a branch and skips the other path", async () => {
    const d = dag({ dagId: "br" }, () => {
      const pick = branch({ taskId: "pick" }, () => "left");
      const left = bash({ taskId: "left", command: "echo left" });
      const right = bash({ taskId: "right", command: "echo right" });
      const join = bash({ taskId: "join", command: "echo join", triggerRule: "none_failed_min_one_success" });
      chain(pick, [left, right], join);
    });
    const result = await runDagSequentially({ dag: d, runId: "r" });
    expect(result.state).toBe("success");
    expect(Object.fromEntries([...result.taskInstances].map(([id, ti]) => [id, ti.state]))).toEqual({
      pick: "success",
      left: "success",
      right: "skipped",
      join: "success",
    });
  });

  it("pokes a sensor until its condition holds and passes the value on", async () => {
    let pokes = 0;
    const d = dag({ dagId: "sense" }, () => {
      const ready = sensor({ taskId: "ready", pokeInterval: "10ms", timeout: "5s" }, () => ++pokes >= 3 && { pokes });
      task({ taskId: "use", inputs: { r: ready } }, (_ctx, { r }) => r.pokes);
    });
    const result = await runDagSequentially({ dag: d, runId: "r" });
    expect(result.taskInstances.get("use")!.result).toBe(3);
  });

  it("fails a sensor at its timeout, or skips it with softFail", async () => {
    const d = dag({ dagId: "sense_timeout" }, () => {
      sensor({ taskId: "never", pokeInterval: "10ms", timeout: "50ms" }, () => false);
      sensor({ taskId: "soft", pokeInterval: "10ms", timeout: "50ms", softFail: true }, () => false);
    });
    const result = await runDagSequentially({ dag: d, runId: "r" });
    expect(result.taskInstances.get("never")!.state).toBe("failed");
    expect(result.taskInstances.get("soft")!.state).toBe("skipped");
  });

  it("never retries a sensor that reached its timeout (Airflow >= 2.2), and pokes at the deadline", async () => {
    const pokedAt: number[] = [];
    let started = 0;
    const d = dag({ dagId: "sense_final" }, () => {
      sensor({ taskId: "never", pokeInterval: "200ms", timeout: "500ms", retries: 2, retryDelay: 0 }, () => {
        if (pokedAt.length === 0) started = Date.now();
        pokedAt.push(Date.now() - started);
        return false;
      });
      sensor({ taskId: "soft", pokeInterval: "10ms", timeout: "50ms", softFail: true, retries: 2, retryDelay: 0 }, () => false);
    });
    const result = await runDagSequentially({ dag: d, runId: "r" });
    expect(result.taskInstances.get("never")).toMatchObject({ state: "failed", tries: 1 });
    expect(result.taskInstances.get("soft")).toMatchObject({ state: "skipped", tries: 1 });
    // Pokes at 0, 200, 400 and at the 500 ms deadline, not giving up at 400.
    expect(pokedAt).toHaveLength(4);
    expect(pokedAt.at(-1)!).toBeGreaterThanOrEqual(500);
  });

  it("retries a sensor whose poke throws, as any failed try", async () => {
    let calls = 0;
    const d = dag({ dagId: "sense_error" }, () => {
      sensor({ taskId: "broken", pokeInterval: "10ms", timeout: "5s", retries: 2, retryDelay: 0 }, () => {
        calls++;
        throw new Error("cannot reach the service");
      });
    });
    const result = await runDagSequentially({ dag: d, runId: "r" });
    expect(result.taskInstances.get("broken")).toMatchObject({ state: "failed", tries: 3 });
    expect(calls).toBe(3);
  });

  it("stops a try at its executionTimeout and kills the command", async () => {
    const d = dag({ dagId: "slow" }, () => {
      bash({ taskId: "sleepy", command: "sleep 30", executionTimeout: "300ms" });
    });
    const started = Date.now();
    const { events, reporter } = recorder();
    const result = await runDagSequentially({ dag: d, runId: "r", reporter });
    expect(result.state).toBe("failed");
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(events).toContain("end sleepy#1 failed->failed");
  });

  it("fails a try whose synchronous work ran past its executionTimeout, even though it ended before the timer could fire", async () => {
    const errors: string[] = [];
    const d = dag({ dagId: "sync_overrun" }, () => {
      task({ taskId: "spin", executionTimeout: "200ms" }, () => {
        const until = Date.now() + 500;
        while (Date.now() < until) { /* blocks the event loop, so the timeout timer cannot fire */ }
        return "done";
      });
      task({ taskId: "quick", executionTimeout: "5s" }, () => "done");
    });
    const result = await runDagSequentially({
      dag: d,
      runId: "r",
      reporter: { taskFinished: (_id, _try, outcome) => void (outcome.state === "failed" && errors.push(outcome.error)) },
    });
    expect(result.taskInstances.get("spin")).toMatchObject({ state: "failed", result: undefined });
    expect(errors).toEqual([expect.stringContaining("exceeded its executionTimeout of 200ms")]);
    expect(result.taskInstances.get("quick")).toMatchObject({ state: "success", result: "done" });
  });

  it("skips on skip() and on bash exit code 99; all_success downstream is skipped too", async () => {
    const d = dag({ dagId: "skips" }, () => {
      const a = task({ taskId: "a" }, () => skip("nothing to do"));
      const b = bash({ taskId: "b", command: "exit 99" });
      chain(a, task({ taskId: "after_a" }, () => 1));
      chain(b, task({ taskId: "after_b" }, () => 1));
    });
    const result = await runDagSequentially({ dag: d, runId: "r" });
    expect(result.state).toBe("success");
    expect([...result.taskInstances.values()].map((t) => t.state)).toEqual(["skipped", "skipped", "skipped", "skipped"]);
  });

  it("captures ctx.log lines and fails on a non-serialisable result", async () => {
    const d = dag({ dagId: "logs" }, () => {
      task({ taskId: "talk" }, (ctx) => {
        ctx.log("hello %s", "world");
        return 1n as unknown as number;
      });
    });
    const { logs, events, reporter } = recorder();
    const result = await runDagSequentially({ dag: d, runId: "r", reporter });
    expect(logs).toEqual(["talk: hello world"]);
    expect(result.state).toBe("failed");
    expect(events).toContain("end talk#1 failed->failed");
  });

  it("refuses a result JSON would change (Date, NaN, Set) at the producing task, naming where", async () => {
    // The casts get past the compile-time check (XComSafe), as untyped code would.
    const errors: string[] = [];
    const d = dag({ dagId: "lossy" }, () => {
      task({ taskId: "when" }, () => ({ when: new Date(0) as unknown as string, ok: [1, "a", null, { nested: true }] }));
      task({ taskId: "ratio" }, () => ({ ratio: NaN }));
      task({ taskId: "tags" }, () => ({ tags: new Set(["a"]) as unknown as string[] }));
      task({ taskId: "fine" }, () => ({ when: new Date(0).toISOString(), tags: ["a"], skipped: undefined }));
    });
    const result = await runDagSequentially({
      dag: d,
      runId: "r",
      reporter: { taskFinished: (_id, _try, outcome) => void (outcome.state === "failed" && errors.push(outcome.error)) },
    });
    expect(result.taskInstances.get("when")!.state).toBe("failed");
    expect(result.taskInstances.get("ratio")!.state).toBe("failed");
    expect(result.taskInstances.get("tags")!.state).toBe("failed");
    expect(result.taskInstances.get("fine")).toMatchObject({ state: "success", result: { when: "1970-01-01T00:00:00.000Z", tags: ["a"] } });
    expect(errors).toEqual([
      expect.stringContaining("result.when is a Date"),
      expect.stringContaining("result.ratio is NaN"),
      expect.stringContaining("result.tags is a Set"),
    ]);
  });

  it("stores whatever a task prints (NUL, lone surrogates become U+FFFD; a UTF-8 character split across output chunks stays whole) and refuses such a result", async () => {
    const errors: string[] = [];
    const d = dag({ dagId: "unstorable" }, () => {
      task({ taskId: "talk" }, (ctx) => {
        ctx.log("nul \u0000 and lone \ud800 here");
        throw new Error("boom \u0000");
      });
      bash({ taskId: "binary", command: "printf 'a\\0b\\n'" });
      // é is C3 A9 in UTF-8: its two bytes reach us in two chunks.
      bash({ taskId: "split", command: "printf 'x%.0s' $(seq 1 1000); printf '\\303'; sleep 0.3; printf '\\251\\n'" });
      task({ taskId: "nul_result" }, () => ({ text: "a\u0000b" }));
    });
    const { logs, reporter } = recorder();
    const result = await runDagSequentially({
      dag: d,
      runId: "r",
      reporter: { ...reporter, taskFinished: (_id, _try, outcome) => void (outcome.state === "failed" && errors.push(outcome.error)) },
    });
    expect(logs).toContain("talk: nul \uFFFD and lone \uFFFD here");
    expect(errors[0]).toMatch(/^Error: boom \uFFFD/);
    expect(result.taskInstances.get("binary")).toMatchObject({ state: "success", result: "a\uFFFDb" });
    expect(result.taskInstances.get("split")).toMatchObject({ state: "success", result: `${"x".repeat(1000)}é` });
    expect(result.taskInstances.get("nul_result")!.state).toBe("failed");
    expect(errors[1]).toContain("result.text holds a NUL character, which the database cannot store");
  });
});
