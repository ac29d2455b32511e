// latestOnly(): Airflow's LatestOnlyOperator, run through its branch function and the branch
// normalisation the executor applies to its result.
import { describe, expect, it } from "vitest";
import { chain, dag, latestOnly, normaliseBranchChoice, task, type TaskContext } from "../src/index.ts";

const hourly = dag({ dagId: "lo", schedule: "0 * * * *", startDate: "2026-01-01T00:00:00Z" }, () => {
  chain(latestOnly(), [task({ taskId: "publish" }, () => 1), task({ taskId: "notify" }, () => 2)]);
});

function decide(dataIntervalEnd: Date | null): string[] {
  const { runtime } = hourly.task("latest_only");
  if (runtime.kind !== "branch") throw new Error("latestOnly is a branch");
  const lines: string[] = [];
  const ctx = { dataIntervalEnd, log: (m: string) => lines.push(m) } as unknown as TaskContext;
  return normaliseBranchChoice(hourly.graph, "latest_only", runtime.choose(ctx, {}));
}

describe("latestOnly", () => {
  it("is a branch task named latest_only upstream of the tasks it guards", () => {
    expect(hourly.task("latest_only").spec).toMatchObject({ taskId: "latest_only" });
    expect([...(hourly.graph.downstream.get("latest_only") ?? [])].sort()).toEqual(["notify", "publish"]);
  });
  it("follows every direct downstream task in the latest interval", () => {
    const justEnded = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
    expect(decide(justEnded).sort()).toEqual(["notify", "publish"]);
  });
  it("skips them for an older interval (a catchup or backfill run)", () => {
    expect(decide(new Date("2026-01-01T05:00:00Z"))).toEqual([]);
  });
  it("never skips a run without a data interval (triggered by hand)", () => {
    expect(decide(null).sort()).toEqual(["notify", "publish"]);
  });
});
