// Task callbacks where the try runs (runTry, as the local executor's and workers' task processes
// and `dags test` call it): which callback each outcome calls, with the context and the error;
// defaultArgs callbacks; a callback that throws or hangs is logged on the try's log and changes
// nothing; secrets a callback prints are masked.
import { bash, dag, skip, task, type TaskContext } from "@updraft/sdk";
import { describe, expect, it } from "vitest";
import { callbackFor, runTry } from "../src/run-try.ts";
import type { LogLine } from "../src/task-outcome.ts";

type Call = { name: string; taskId: string; tryNumber: number; error: string | null };

function build(calls: Call[]) {
  const record = (name: string) => (ctx: TaskContext, error: Error | null) => {
    calls.push({ name, taskId: ctx.taskId, tryNumber: ctx.tryNumber, error: error?.message ?? null });
    ctx.log(`${name} callback ran`);
  };
  return dag(
    {
      dagId: "callbacks",
      defaultArgs: { onSuccess: record("onSuccess"), onFailure: record("onFailure"), onRetry: record("onRetry"), onSkipped: record("onSkipped") },
    },
    () => {
      task({ taskId: "ok", onExecute: record("onExecute") }, () => 1);
      task({ taskId: "flaky", retries: 1 }, () => {
        throw new Error("disk full");
      });
      task({ taskId: "skips" }, () => skip("nothing to do"));
      bash({ taskId: "bash_fails", command: "exit 3" });
      task({ taskId: "throws_in_callback", onSuccess: () => { throw new Error("callback bug"); } }, () => 1);
      task({ taskId: "hangs_in_callback", onSuccess: () => new Promise(() => {}) }, () => 1);
    },
  );
}

async function run(d: ReturnType<typeof build>, taskId: string, tryNumber = 1, callbackTimeoutMs?: number) {
  const lines: LogLine[] = [];
  const outcome = await runTry({
    dag: d,
    taskId,
    runId: "r1",
    tryNumber,
    logicalDate: new Date(),
    dataIntervalStart: null,
    dataIntervalEnd: null,
    conf: {},
    inputs: {},
    sink: (l) => lines.push(l),
    ...(callbackTimeoutMs === undefined ? {} : { callbackTimeoutMs }),
  });
  return { outcome, log: lines.map((l) => l.line).join("\n") };
}

describe("task callbacks in runTry", () => {
  it("onExecute before the work, onSuccess after it (from defaultArgs), both on the try's log", async () => {
    const calls: Call[] = [];
    const { outcome, log } = await run(build(calls), "ok");
    expect(outcome.state).toBe("success");
    expect(calls.map((c) => c.name)).toEqual(["onExecute", "onSuccess"]);
    expect(log).toContain("onExecute callback ran");
    expect(log).toContain("onSuccess callback ran");
  });
  it("onRetry with the error while a try remains, onFailure on the last try", async () => {
    const calls: Call[] = [];
    const d = build(calls);
    expect((await run(d, "flaky", 1)).outcome.state).toBe("failed");
    expect((await run(d, "flaky", 2)).outcome.state).toBe("failed");
    expect(calls).toEqual([
      { name: "onRetry", taskId: "flaky", tryNumber: 1, error: "disk full" },
      { name: "onFailure", taskId: "flaky", tryNumber: 2, error: "disk full" },
    ]);
  });
  it("onFailure for a failed bash command, with its error", async () => {
    const calls: Call[] = [];
    await run(build(calls), "bash_fails");
    expect(calls).toMatchObject([{ name: "onFailure", error: expect.stringContaining("3") }]);
  });
  it("onSkipped for a skipped try", async () => {
    const calls: Call[] = [];
    expect((await run(build(calls), "skips")).outcome.state).toBe("skipped");
    expect(calls.map((c) => c.name)).toEqual(["onSkipped"]);
  });
  it("a callback that throws is logged and the try still succeeds", async () => {
    const { outcome, log } = await run(build([]), "throws_in_callback");
    expect(outcome.state).toBe("success");
    expect(log).toMatch(/onSuccess callback failed \(no state changed\): Error: callback bug/);
  });
  it("a callback that hangs is given up after its timeout, and the try still succeeds", async () => {
    const { outcome, log } = await run(build([]), "hangs_in_callback", 1, 50);
    expect(outcome.state).toBe("success");
    expect(log).toContain("onSuccess callback did not finish within");
  });
  it("callbackFor: a final failure (sensor timeout) is onFailure even with tries left", () => {
    expect(callbackFor({ state: "failed", error: "x", timedOut: true, final: true }, 1, 3)).toBe("onFailure");
    expect(callbackFor({ state: "failed", error: "x", timedOut: false }, 1, 3)).toBe("onRetry");
    expect(callbackFor({ state: "failed", error: "x", timedOut: false }, 3, 3)).toBe("onFailure");
  });
});
